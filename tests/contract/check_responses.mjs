// The contract test: every answer the integration tests received from the real
// accountd (recorded by tests/integration/exchange_recorder.h) is checked against
// the OpenAPI document that accountd serves. Any answer the document does not
// describe - a status it does not list, a header it does not declare or that
// breaks its schema, a body that breaks the schema - fails the test.
//
//   node check_responses.mjs --accountd build/bin/accountd --exchanges build/contract/exchanges
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";

import { OpenApiChecker } from "./openapi_checker.mjs";
import { servedDocument } from "./served_document.mjs";

const { values: options } = parseArgs({
  options: {
    accountd: { type: "string" },
    exchanges: { type: "string" },
    "min-exchanges": { type: "string", default: "1000" },
  },
});
if (!options.accountd || !options.exchanges) {
  console.error("usage: check_responses.mjs --accountd PATH --exchanges DIR [--min-exchanges N]");
  process.exit(2);
}

const document = JSON.parse((await servedDocument(options.accountd)).text);
const checker = new OpenApiChecker(document);

let files = [];
try {
  files = readdirSync(options.exchanges).filter((name) => name.endsWith(".jsonl")).sort();
} catch {
  // reported below as too few exchanges
}
let checked = 0;
let rejected = 0;  // answers with at least one failure
const failures = new Map();  // "label: failure" -> {count, example}
const seen = new Map();      // label -> count
for (const file of files) {
  const lines = readFileSync(join(options.exchanges, file), "utf8").split("\n");
  for (const line of lines) {
    if (line.trim() === "") continue;
    const exchange = JSON.parse(line);
    const { label, failures: found } = checker.check(exchange);
    ++checked;
    if (found.length > 0) ++rejected;
    seen.set(label, (seen.get(label) ?? 0) + 1);
    for (const failure of found) {
      const key = `${label}: ${failure}`;
      const entry = failures.get(key) ?? { count: 0, example: `${file}: ${exchange.method} ${exchange.target}` };
      ++entry.count;
      failures.set(key, entry);
    }
  }
}

const operations = new Set([...seen.keys()].map((label) => label.split(" ")[0]));
console.log(`checked ${checked} answers from ${files.length} test binaries: ` +
            `${seen.size} (operation, status) pairs over ${operations.size} operations`);
for (const [key, entry] of [...failures.entries()].sort()) {
  console.log(`FAIL ${key}  (${entry.count}x, e.g. ${entry.example})`);
}
const minimum = Number(options["min-exchanges"]);
if (checked < minimum) {
  console.log(`FAIL only ${checked} answers were recorded (at least ${minimum} expected): ` +
              "run the integration tests with ACCOUNT_API_EXCHANGES set (ctest does)");
}
console.log(`${checked - rejected} passed, ${rejected} failed`);
process.exit(rejected === 0 && checked >= minimum ? 0 : 1);
