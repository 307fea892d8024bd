// Loaded by each resource's `__provider` module (see dynamic/shim.ts) inside the provider process.
// Process-wide state (token caches, rate limiters, claims) lives behind this module.
import type * as pulumi from "@pulumi/pulumi";
import type { ProviderKind } from "./dynamic/shim";
import { watchEngine } from "./dynamic/engine-watch";
import { NoopProvider } from "./dynamic/noop";
import { processLogger } from "./dynamic/process";
import { presentErrors } from "./dynamic/presentation";
import { noticeNonStandardEndpoint } from "./dynamic/endpoint-notice";

type Implementation = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">> &
  Pick<pulumi.dynamic.ResourceProvider, "configure">;

const implementations = new Map<ProviderKind, Implementation>();

let watching = false;

/** The implementation of one resource kind; one instance per provider process. */
export function implementation(kind: ProviderKind): Implementation {
  let impl = implementations.get(kind);
  if (!impl) {
    // The project's own errors read as one clean diagnostic in the CLI; see dynamic/presentation.
    impl = presentErrors(withEndpointNotice(kind, create(kind)));
    implementations.set(kind, impl);
  }
  if (!watching) {
    watching = true;
    // An orphaned provider process (the CLI was killed) must stop calling the vendor; see engine-watch.
    watchEngine({
      onGone: (address) => {
        processLogger().warn(`the Pulumi engine at ${address} is gone; stopping this provider process so that it makes no more vendor calls.`);
        process.exit(1);
      },
    });
  }
  return impl;
}

/** Adds the once-per-run notice of a non-standard vendor endpoint to `configure`. */
function withEndpointNotice(kind: ProviderKind, impl: Implementation): Implementation {
  if (kind === "noop" || !impl.configure) return impl;
  const settings = kind === "dingtalk" ? require("./dingtalk/settings") : require("./feishu/settings");
  const [setting, profiles] =
    kind === "dingtalk" ? [settings.DINGTALK_SETTINGS.endpoint, settings.DINGTALK_PROFILE_SPEC] : [settings.FEISHU_SETTINGS.endpoint, settings.FEISHU_PROFILE_SPEC];
  const configure = impl.configure.bind(impl);
  return {
    configure: async (req: pulumi.dynamic.ConfigureRequest) => {
      noticeNonStandardEndpoint(kind, setting, req, processLogger(), process.env, profiles);
      return configure(req);
    },
    check: impl.check.bind(impl),
    diff: impl.diff.bind(impl),
    create: impl.create.bind(impl),
    read: impl.read.bind(impl),
    update: impl.update.bind(impl),
    delete: impl.delete.bind(impl),
  };
}

function create(kind: ProviderKind): Implementation {
  switch (kind) {
    case "noop":
      return new NoopProvider();
    case "dingtalk":
      return new (require("./dingtalk/provider").DingTalkProvider)();
    case "feishu":
      return new (require("./feishu/provider").FeishuProvider)();
    default:
      throw new Error(`pulumi-dingtalk-feishu: unknown provider kind ${String(kind)}`);
  }
}

export { dynamicType, providerModule, providerShim, withProvider } from "./dynamic/shim";
export type { ProviderKind } from "./dynamic/shim";
