import { connect } from "node:net";

/** Settings of {@link watchEngine}; all optional. */
export interface EngineWatchOptions {
  /** The provider process's arguments. @default process.argv */
  argv?: readonly string[];
  /** How often the engine is probed, in milliseconds. @default 1000 */
  intervalMs?: number;
  /** Called once when the engine is gone. @default exit the process with status 1 */
  onGone?: (address: string) => void;
}

/** What {@link watchEngine} returns: stops the probes. */
export type StopWatching = () => void;

// `pulumi` → `sh pulumi-resource-pulumi-nodejs <engine>` → `node …/dynamic-provider/index.js <engine>`.
const HOST_SCRIPT = /[\\/]dynamic-provider[\\/]index\.js$/;
const ADDRESS = /^(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})$/;

/**
 * The engine address this process was started with, when it is Pulumi's dynamic-provider host
 * (the engine passes its own gRPC address as the first argument to every plugin).
 */
export function engineAddress(argv: readonly string[] = process.argv): string | undefined {
  const [, script, address] = argv;
  return script && HOST_SCRIPT.test(script) && address && ADDRESS.test(address) ? address : undefined;
}

/**
 * Ends the provider process once the engine that started it stops answering.
 *
 * Why: when the CLI is killed (SIGKILL, OOM, a CI runner timing out), nothing stops the
 * dynamic-provider host: its gRPC server keeps it alive, and the creates and deletes already
 * under way go on retrying against the vendor for up to `maxRetryElapsedMs`, for an engine that
 * will never record them. A subscription made that way after the user's recovery (`pulumi
 * refresh --clear-pending-creates`, `pulumi destroy`) would be an orphan. A refused connection
 * to the engine's address is the signal; it is probed on loopback once a second.
 * Does nothing outside the dynamic-provider host.
 */
export function watchEngine(options: EngineWatchOptions = {}): StopWatching {
  const address = engineAddress(options.argv ?? process.argv);
  if (!address) return () => {};
  const match = ADDRESS.exec(address)!;
  const host = match[1] === "[::1]" ? "::1" : match[1]!;
  const port = Number(match[2]);
  const onGone = options.onGone ?? (() => process.exit(1));
  let stopped = false;
  let probing = false;
  const probe = () => {
    if (stopped || probing) return;
    probing = true;
    const socket = connect({ host, port });
    socket.setTimeout(2000);
    const done = (gone: boolean) => {
      probing = false;
      socket.destroy();
      if (gone && !stopped) {
        stopped = true;
        clearInterval(timer);
        onGone(address);
      }
    };
    socket.once("connect", () => done(false));
    socket.once("timeout", () => done(false));
    // Only a refusal is proof; anything else (a slow machine) is not.
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code === "ECONNREFUSED"));
  };
  const timer = setInterval(probe, options.intervalMs ?? 1000);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
