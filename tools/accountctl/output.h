// How accountctl answers: a result on stdout (aligned "label  value" lines for
// people, one compact JSON document or JSON Lines with --json), and failures as
// one line on stderr beginning "accountctl: ".
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "events/result.h"

namespace accountctl {

// One line "accountctl: <message>" on stderr; returns `exit_code`.
int fail(int exit_code, const std::string& message);
// A command line that does not fit `command`: one line naming it, exit 2.
int fail_usage(const std::string& command, const std::string& message);
// An Error from a lower layer, on one line (field errors included); exit 1.
int fail(const closient::Error& error);
// The text of an Error on one line: its detail, then "field: message" pairs.
std::string describe(const closient::Error& error);

// A JSON document on one line of stdout, flushed (so a pipe sees it at once).
void print_json_line(const nlohmann::json& document);

using Fields = std::vector<std::pair<std::string, std::string>>;
// "label:  value" lines with the values aligned in one column.
void print_fields(const Fields& fields);
// One line of plain text on stdout.
void print_line(const std::string& text);

}  // namespace accountctl
