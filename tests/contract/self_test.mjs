// The checker itself, on answers made up to break the served document in one way
// each: every one must be caught, and a conforming answer must pass. Without this
// a checker that accepts everything would look like a passing contract test.
//
//   node --test self_test.mjs   (ACCOUNTD names the binary)
import assert from "node:assert/strict";
import test from "node:test";

import { OpenApiChecker } from "./openapi_checker.mjs";
import { servedDocument } from "./served_document.mjs";

const document = JSON.parse((await servedDocument(process.env.ACCOUNTD)).text);
const checker = new OpenApiChecker(document);

function notFound(overrides = {}) {
  const body = {
    type: "https://closient.com/docs/errors/not_found", title: "Not Found", status: 404,
    detail: "No route matches /account/api/v1/nope.", error_code: "not_found", retryable: false,
    timestamp: "2026-12-01T12:00:00.000Z", instance: "/account/api/v1/nope", request_id: "r1",
  };
  return {
    method: "GET", target: "/account/api/v1/nope", request_headers: [], status: 404,
    headers: [
      ["Content-Type", "application/problem+json"], ["Content-Length", "10"],
      ["X-Request-ID", "r1"], ["RateLimit-Policy", "60;w=60"], ["RateLimit-Limit", "60"],
      ["RateLimit-Remaining", "60"], ["RateLimit-Reset", "30"], ["X-RateLimit-Limit", "60"],
      ["X-RateLimit-Remaining", "60"], ["X-RateLimit-Reset", "1796135400"],
      ["Date", "Tue, 01 Dec 2026 12:00:00 GMT"],
    ],
    body: JSON.stringify(body),
    ...overrides,
  };
}

function failuresOf(exchange) {
  return checker.check(exchange).failures;
}

function assertCaught(exchange, fragment) {
  const failures = failuresOf(exchange);
  assert.ok(failures.some((failure) => failure.includes(fragment)),
            `expected a failure mentioning "${fragment}", got ${JSON.stringify(failures)}`);
}

test("a conforming answer passes", () => {
  assert.deepEqual(failuresOf(notFound()), []);
});

test("a status the document does not describe fails", () => {
  assertCaught(notFound({ status: 418 }), "status 418");
  assertCaught({ ...notFound(), method: "DELETE", target: "/account/api/v1/api-keys/2222222222222222222222",
                 status: 200 }, "not among the operation's declared responses");
});

test("a missing required header fails", () => {
  const exchange = notFound();
  exchange.headers = exchange.headers.filter(([name]) => name !== "RateLimit-Remaining");
  assertCaught(exchange, "required header RateLimit-Remaining is missing");
});

test("an undeclared header fails", () => {
  const exchange = notFound();
  exchange.headers.push(["X-Debug", "1"]);
  assertCaught(exchange, "header X-Debug is not declared");
});

test("a header breaking its schema fails", () => {
  const exchange = notFound();
  exchange.headers = exchange.headers.map(([name, value]) =>
    [name, name === "RateLimit-Limit" ? "plenty" : value]);
  assertCaught(exchange, "header RateLimit-Limit");
});

test("a body breaking its schema fails", () => {
  const body = JSON.parse(notFound().body);
  delete body.error_code;
  assertCaught(notFound({ body: JSON.stringify(body) }), "error_code");
  assertCaught(notFound({ body: "{not json" }), "not JSON");
});

test("a Content-Type the document does not declare fails", () => {
  const exchange = notFound();
  exchange.headers = exchange.headers.map(([name, value]) =>
    [name, name === "Content-Type" ? "text/html" : value]);
  assertCaught(exchange, "Content-Type text/html");
});

test("a real operation's body is checked against its schema", () => {
  const member = { id: "2222222222222222222222", user_email: "a@example.com", user_name: "",
                   user_metadata: {}, role: "owner", role_display: "Owner" };  // no user_id
  assertCaught({
    method: "GET",
    target: "/account/api/v1/organizations/2222222222222222222222/members/2222222222222222222223",
    request_headers: [], status: 200,
    headers: [["Content-Type", "application/json; charset=utf-8"]],
    body: JSON.stringify(member),
  }, "user_id");
});
