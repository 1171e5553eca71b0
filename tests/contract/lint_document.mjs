// Lints the OpenAPI document accountd serves with Redocly's recommended rules
// (redocly.yaml). Exits non-zero when redocly reports an error.
//
//   node lint_document.mjs --accountd build/bin/accountd --out build/contract/openapi.json
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

import { servedDocument } from "./served_document.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
  options: { accountd: { type: "string" }, out: { type: "string" } },
});
if (!options.accountd || !options.out) {
  console.error("usage: lint_document.mjs --accountd PATH --out FILE");
  process.exit(2);
}
mkdirSync(dirname(options.out), { recursive: true });
writeFileSync(options.out, (await servedDocument(options.accountd)).text);
const lint = spawnSync(join(here, "node_modules", ".bin", "redocly"),
                       ["lint", "--config", join(here, "redocly.yaml"), "--format", "stylish",
                        options.out],
                       { stdio: "inherit" });
process.exit(lint.status ?? 1);
