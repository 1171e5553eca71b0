// AcceptGate: when the listener may accept, and how it comes back from a failed
// accept, without a socket in sight.
#include <boost/test/unit_test.hpp>
#include <vector>

#include "http/accept_gate.h"

using closient::http::AcceptGate;

namespace {

// Records what the gate asks of the acceptor.
struct FakeAcceptor {
  std::vector<std::size_t> accepted;          // accept_now calls
  std::vector<std::function<void()>> posted;  // what the gate runs on an I/O thread
  bool descriptors = true;

  std::shared_ptr<AcceptGate> gate(std::size_t max_connections) {
    auto gate = std::make_shared<AcceptGate>(max_connections, [this] { return descriptors; });
    gate->attach({[this](std::size_t slot) { accepted.push_back(slot); },
                  [this](std::function<void()> task) { posted.push_back(std::move(task)); }});
    return gate;
  }

  // Runs what the gate posted, as the I/O threads would.
  void run_posted() {
    std::vector<std::function<void()>> tasks;
    tasks.swap(posted);
    for (auto& task : tasks) task();
  }
};

// What RESTinio does when slot 0's accept succeeds: the connection exists, then
// the slot asks to accept again.
void accept_succeeds(AcceptGate& gate) {
  gate.connection_opened();
  gate.accept_next(0);
}

}  // namespace

BOOST_AUTO_TEST_CASE(accepts_until_the_cap_then_waits_for_a_connection_to_close) {
  FakeAcceptor acceptor;
  auto gate = acceptor.gate(2);
  gate->accept_next(0);
  BOOST_TEST(acceptor.accepted.size() == 1u);
  accept_succeeds(*gate);  // 1 open, armed again: 2 counted
  BOOST_TEST(acceptor.accepted.size() == 2u);
  accept_succeeds(*gate);  // 2 open: at the cap, no accept
  BOOST_TEST(acceptor.accepted.size() == 2u);
  BOOST_TEST(gate->counters().waiting_for_room == 1u);

  gate->connection_closed();  // room again: the slot is resumed on an I/O thread
  BOOST_TEST(acceptor.posted.size() == 1u);
  BOOST_TEST(acceptor.accepted.size() == 2u);
  acceptor.run_posted();
  BOOST_TEST(acceptor.accepted.size() == 3u);
  BOOST_TEST(gate->counters().open_connections == 1u);
}

BOOST_AUTO_TEST_CASE(no_accept_is_started_without_a_free_descriptor) {
  FakeAcceptor acceptor;
  acceptor.descriptors = false;
  auto gate = acceptor.gate(100);
  gate->accept_next(0);
  BOOST_TEST(acceptor.accepted.empty());
  BOOST_TEST(gate->counters().waiting_for_descriptor == 1u);

  gate->tick(true);  // still none: asked again, held back again
  acceptor.run_posted();
  BOOST_TEST(acceptor.accepted.empty());

  acceptor.descriptors = true;  // descriptors freed: the next tick resumes accepting
  gate->tick(true);
  acceptor.run_posted();
  BOOST_TEST(acceptor.accepted.size() == 1u);
  BOOST_TEST(gate->counters().descriptor_shortages == 2u);
  BOOST_TEST(gate->counters().waiting_for_descriptor == 0u);
}

BOOST_AUTO_TEST_CASE(an_accept_that_died_is_restarted_once_the_listener_stays_readable) {
  FakeAcceptor acceptor;
  auto gate = acceptor.gate(100);
  gate->accept_next(0);
  BOOST_TEST(acceptor.accepted.size() == 1u);
  // The accept fails (RESTinio drops it silently): nothing more happens, and the
  // connection it failed on stays in the backlog.
  for (int i = 1; i < AcceptGate::kTicksBeforeRestart; ++i) gate->tick(true);
  BOOST_TEST(acceptor.posted.empty());
  gate->tick(true);
  BOOST_TEST(acceptor.posted.size() == 1u);
  BOOST_TEST(gate->counters().accepts_restarted == 1u);
  acceptor.run_posted();
  BOOST_TEST(acceptor.accepted.size() == 2u);
}

BOOST_AUTO_TEST_CASE(an_idle_listener_is_never_taken_for_a_dead_one) {
  FakeAcceptor acceptor;
  auto gate = acceptor.gate(100);
  gate->accept_next(0);
  for (int i = 0; i < 10 * AcceptGate::kTicksBeforeRestart; ++i) gate->tick(false);
  // Readable now and then, never long enough in a row.
  for (int i = 0; i < 10; ++i) {
    gate->tick(true);
    gate->tick(false);
  }
  BOOST_TEST(acceptor.posted.empty());
  BOOST_TEST(gate->counters().accepts_restarted == 0u);
}

BOOST_AUTO_TEST_CASE(a_late_completion_and_its_restart_arm_the_slot_once) {
  FakeAcceptor acceptor;
  auto gate = acceptor.gate(100);
  gate->accept_next(0);
  for (int i = 0; i < AcceptGate::kTicksBeforeRestart; ++i) gate->tick(true);
  BOOST_TEST(acceptor.posted.size() == 1u);
  // The accept was only slow: it completes and re-arms before the restart runs.
  accept_succeeds(*gate);
  BOOST_TEST(acceptor.accepted.size() == 2u);
  acceptor.run_posted();  // the restart finds the slot armed already
  BOOST_TEST(acceptor.accepted.size() == 2u);
  accept_succeeds(*gate);  // its real completion still re-arms it
  BOOST_TEST(acceptor.accepted.size() == 3u);
}

BOOST_AUTO_TEST_CASE(nothing_is_started_after_close) {
  FakeAcceptor acceptor;
  auto gate = acceptor.gate(1);
  gate->accept_next(0);
  accept_succeeds(*gate);  // parked at the cap
  gate->tick(true);        // nothing to do at the cap
  gate->close();
  gate->connection_closed();
  gate->tick(true);
  gate->accept_next(0);
  acceptor.run_posted();
  BOOST_TEST(acceptor.accepted.size() == 1u);
  BOOST_TEST(acceptor.posted.empty());
}
