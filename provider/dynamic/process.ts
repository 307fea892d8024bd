import { createStderrLogger, type Logger } from "../core/logger";

let logger: Logger | undefined;

/**
 * The provider process's logger. The engine shows what a provider writes to stderr in the
 * CLI's output (as diagnostics on the resource being worked on), so retry lines and "kept"
 * notices reach the user without the engine connection that `pulumi.log` would need.
 */
export function processLogger(): Logger {
  return (logger ??= createStderrLogger());
}
