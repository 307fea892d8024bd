import { redact } from "./redact";

/** Where the clients report retries and diagnostics. Implementations must not throw. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
}

/** Prefix of every line the default logger writes. */
export const LOG_PREFIX = "[pulumi-dingtalk-feishu]";

/** Environment variable that turns on debug lines (`1`). */
export const DEBUG_ENV = "PULUMI_DINGTALK_FEISHU_DEBUG";

/**
 * Creates a logger writing redacted, prefixed single lines to stderr; debug lines only when
 * `PULUMI_DINGTALK_FEISHU_DEBUG=1`.
 */
export function createStderrLogger(
  opts: { env?: NodeJS.ProcessEnv; write?: (line: string) => void } = {},
): Logger {
  const env = opts.env ?? process.env;
  const write = opts.write ?? ((line: string) => void process.stderr.write(line));
  const emit = (level: string, message: string) => {
    const text = redact(message).replace(/[\r\n]+/g, " ");
    write(`${LOG_PREFIX} ${level}: ${text}\n`);
  };
  return {
    info: (message) => emit("info", message),
    warn: (message) => emit("warn", message),
    debug: (message) => {
      if (env[DEBUG_ENV] === "1") emit("debug", message);
    },
  };
}

/** A logger that discards everything. */
export const silentLogger: Logger = { info() {}, warn() {}, debug() {} };
