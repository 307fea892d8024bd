#!/usr/bin/env node
/**
 * The `pulumi-dingtalk-feishu-emulator` binary: starts the emulator until SIGINT or SIGTERM.
 *
 * @module
 */
import { CLI_USAGE, cliBanner, parseCliArgs } from "./cli-args";
import { normalizeOptions } from "./options";
import { startEmulator } from "./server";

async function main(argv: readonly string[]): Promise<void> {
  const parsed = parseCliArgs(argv);
  if (parsed.kind === "help") {
    process.stdout.write(CLI_USAGE);
    return;
  }
  if (parsed.kind === "error") {
    process.stderr.write(`emulator: ${parsed.message}\n\n${CLI_USAGE}`);
    process.exitCode = 2;
    return;
  }
  const emulator = await startEmulator(parsed.options);
  const { credentials, faults, host } = normalizeOptions(parsed.options);
  for (const line of cliBanner(emulator.url, credentials, faults, host)) console.log(line);

  const shutdown = (signal: NodeJS.Signals): void => {
    console.log(`emulator: ${signal} received, stopping`);
    // Once the server and its sockets are closed nothing keeps the process alive, so no process.exit.
    void emulator.stop();
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`emulator: ${(error as Error).message}\n`);
  process.exitCode = 1;
});
