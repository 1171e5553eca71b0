// The OpenAPI document exactly as accountd serves it: starts the real binary on
// a free loopback port with a scratch data directory, fetches
// /account/api/v1/openapi.json, and stops it with SIGTERM.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function servedDocument(accountdPath) {
  const scratch = mkdtempSync(join(tmpdir(), "contract-"));
  const server = spawn(accountdPath, ["--data", join(scratch, "data"), "--listen", "127.0.0.1:0"],
                       { stdio: ["ignore", "pipe", "ignore"] });
  try {
    const port = await new Promise((resolve, reject) => {
      let seen = "";
      const timer = setTimeout(() => reject(new Error("accountd did not start in 15 s")), 15000);
      server.on("exit", (code) => reject(new Error(`accountd exited ${code} before serving`)));
      server.stdout.on("data", (chunk) => {
        seen += chunk;
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    });
    const answer = await fetch(`http://127.0.0.1:${port}/account/api/v1/openapi.json`);
    if (answer.status !== 200) throw new Error(`openapi.json answered ${answer.status}`);
    return { text: await answer.text() };
  } finally {
    server.kill("SIGTERM");
    await new Promise((resolve) => (server.exitCode !== null ? resolve() : server.on("exit", resolve)));
    rmSync(scratch, { recursive: true, force: true });
  }
}
