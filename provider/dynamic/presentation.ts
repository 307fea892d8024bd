import { dirname } from "node:path";
import { ProviderError } from "../core/errors";
import { DEBUG_ENV } from "../core/logger";
import { engineAddress } from "./engine-watch";

/**
 * How the provider process shows its errors in the Pulumi CLI.
 *
 * Pulumi's dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) answers a failed
 * `check`, `diff`, `read` or `delete` with the error's message, which the CLI shows under the
 * resource, and also writes `${e}: ${e.stack}` to its stderr, which the CLI shows under the
 * stack, live and again in Diagnostics: the message twice more and a dozen frames of `dist/`,
 * the serialized shim and grpc. (`create` and `update` send the message only.)
 *
 * For this package's own errors ({@link ProviderError}: a setting, the vendor's answer, the
 * network) the message is the whole story, so the host's line is dropped and the error's stack
 * is reduced to its first line. The full stack goes to the engine's log at debug severity,
 * which `pulumi … --debug` shows. Any other error is a bug and keeps its stack, as does every
 * error when `PULUMI_DINGTALK_FEISHU_DEBUG=1` or when Pulumi passed its verbosity to the plugin
 * (`pulumi -v=N --logflow …`; `-v` alone stays in the CLI).
 */
export interface PresentationOptions {
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** @default process.argv */
  argv?: readonly string[];
  /** Receives the full stack of a quieted error. @default the engine's log at debug severity */
  debugSink?: (text: string) => Promise<void>;
  /** The console whose `error` the host writes to. @default globalThis.console */
  console?: Pick<Console, "error">;
}

type Method = (...args: any[]) => unknown;

/** Whether the user asked for stack traces (see {@link PresentationOptions}). */
export function wantsStacks(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv): boolean {
  if (env[DEBUG_ENV] === "1") return true;
  return argv.slice(2).some((a) => /^--?v(=|$)/.test(a) && a !== "-v=0" && a !== "--v=0");
}

/**
 * Wraps every method of a provider implementation so that a rejection with one of this
 * package's errors reads as one clean diagnostic (see {@link PresentationOptions}).
 */
export function presentErrors<T extends object>(impl: T, options?: PresentationOptions): T {
  // One presenter per process for the real console; tests pass their own options.
  const presenter = options ? new Presenter(options) : (processPresenter ??= new Presenter({}));
  const wrapped: Record<string, unknown> = {};
  for (const name of methodNames(impl)) {
    const method = (impl as Record<string, Method>)[name]!;
    wrapped[name] = async (...args: unknown[]) => {
      try {
        return await method.apply(impl, args);
      } catch (e) {
        throw await presenter.present(e);
      }
    };
  }
  return wrapped as T;
}

const PROVIDER_METHODS = ["configure", "check", "diff", "create", "read", "update", "delete"] as const;

function methodNames(impl: object): string[] {
  return PROVIDER_METHODS.filter((name) => typeof (impl as Record<string, unknown>)[name] === "function");
}

let processPresenter: Presenter | undefined;

class Presenter {
  /** Lines to drop, with how many times each (one error object may be thrown for several resources). */
  private readonly quietLines = new Map<string, number>();
  private installed = false;
  private engineLog?: (text: string) => Promise<void>;

  constructor(private readonly options: PresentationOptions) {}

  async present(error: unknown): Promise<unknown> {
    if (!ProviderError.isInstance(error)) return error;
    if (wantsStacks(this.options.env, this.options.argv)) return error;
    const full = error.stack ?? String(error);
    const first = `${error.name}: ${error.message}`;
    if (full !== first) {
      Object.defineProperty(error, "stack", { value: first, writable: true, configurable: true, enumerable: false });
      // Awaited: the engine stops the plugin soon after the error, which would drop a log in flight.
      await (this.options.debugSink ?? (this.engineLog ??= engineDebugLog(this.options.argv)))(full);
    }
    this.quiet(`${error}: ${error.stack}`);
    return error;
  }

  /** Drops the host's `console.error` of exactly this line, once, if it comes soon. */
  private quiet(line: string): void {
    this.install();
    this.quietLines.set(line, (this.quietLines.get(line) ?? 0) + 1);
    // The host prints within the same chain of promise callbacks; a line never printed (create
    // and update print nothing) must not be kept.
    setTimeout(() => this.take(line), 5000).unref();
  }

  private take(line: string): boolean {
    const count = this.quietLines.get(line);
    if (!count) return false;
    if (count > 1) this.quietLines.set(line, count - 1);
    else this.quietLines.delete(line);
    return true;
  }

  private install(): void {
    if (this.installed) return;
    this.installed = true;
    const target = this.options.console ?? globalThis.console;
    const original = target.error.bind(target);
    target.error = (...args: unknown[]) => {
      if (args.length === 1 && typeof args[0] === "string" && this.take(args[0])) return;
      original(...args);
    };
  }
}

/**
 * Sends text to the Pulumi engine's log at debug severity (shown by `pulumi … --debug`), when
 * this process is the dynamic-provider host; otherwise drops it. Never throws.
 */
function engineDebugLog(argv: readonly string[] = process.argv): (text: string) => Promise<void> {
  // The engine passes its address last (after `--logtostderr -v=N` when the CLI ran with --logflow).
  const address = engineAddress([argv[0] ?? "", argv[1] ?? "", argv[argv.length - 1] ?? ""]);
  if (!address) return async () => {};
  let client: any;
  return (text) =>
    new Promise<void>((resolve) => {
      try {
        // grpc-js as @pulumi/pulumi resolves it: this package does not depend on it directly.
        const grpc = require(require.resolve("@grpc/grpc-js", { paths: [dirname(require.resolve("@pulumi/pulumi"))] }));
        const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
        const engineProto = require("@pulumi/pulumi/proto/engine_pb");
        client ??= new engineRpc.EngineClient(address, grpc.credentials.createInsecure());
        const req = new engineProto.LogRequest();
        req.setSeverity(engineProto.LogSeverity.DEBUG);
        req.setMessage(text);
        client.log(req, { deadline: Date.now() + 2000 }, () => resolve());
      } catch {
        resolve(); // Debug output is best effort.
      }
    });
}
