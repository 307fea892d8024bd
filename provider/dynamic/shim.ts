import type * as pulumi from "@pulumi/pulumi";

/** The resource kinds whose implementation the installed package provides. */
export type ProviderKind = "dingtalk" | "feishu" | "noop";

/**
 * The `__provider` module of a resource kind: what Pulumi stores in every resource's state,
 * twice (inputs and outputs), and what the dynamic-provider host runs (it `require`s the text
 * and calls `handler()` once per distinct text and process).
 *
 * A hand-written line instead of Pulumi's closure serialization of a provider object: ~370
 * bytes instead of ~2 KB (the serializer wraps each method in ~190 bytes; ~280 of the ~370 are
 * the guard for a package that is not installed, see below), and it holds no
 * logic, so a fixed bug reaches existing resources and every resource of a run shares the
 * implementation's token cache and rate limiter. `handler()` returns the implementation itself,
 * so the host calls its seven methods directly. The text names no path and no version: it is
 * the same in every folder and release, and `require` resolves the package from the provider
 * process's working directory, the program's folder, exactly as the v0.1 serialized shim did.
 * The runtime's `implementation(kind)` is therefore a contract with every state ever written.
 *
 * Stored twice because the host copies `__provider` into every create, read and update result,
 * and reads it back from there for delete and refresh; only its length is ours to choose.
 */
export function providerModule(kind: ProviderKind): string {
  // When the package cannot be found where the program runs, none of its code is loaded, so
  // only this text can word the error: one line naming the folder and what to do. The host
  // prints `${e}: ${e.stack}` of a failed check, diff, read or delete to stderr, which the
  // engine shows twice under the stack; the error is made to print exactly that line, and
  // that one line is dropped. Anything else (a module missing *inside* the package, a bug)
  // is rethrown untouched, with its stack.
  return (
    `exports.handler=()=>{let p="pulumi-dingtalk-feishu/runtime";try{return require(p).implementation(${JSON.stringify(kind)})}` +
    `catch(e){if(!(e+"").includes(p+"'"))throw e;` +
    `let m="pulumi-dingtalk-feishu is not installed in "+process.cwd()+": npm install it there",c=console.error;` +
    `console.error=(...a)=>a[0]==m+": "+m||c(...a);throw Object.assign(Error(m),{name:"",stack:m})}}`
  );
}

/** The type token Pulumi's `dynamic.Resource` would give: `pulumi-nodejs:dynamic/<module>:<type>`. */
export function dynamicType(module: string, type: string): string {
  return `pulumi-nodejs:dynamic/${module}:${type}`;
}

/**
 * A resource's inputs with its `__provider` module added: what a `pulumi.CustomResource` of
 * {@link dynamicType} needs to be run by the dynamic-provider host.
 */
export function withProvider<T extends pulumi.Inputs>(kind: ProviderKind, props: T): T & { __provider: string } {
  return { ...props, __provider: providerModule(kind) };
}

const shims = new Map<ProviderKind, pulumi.dynamic.ResourceProvider>();

/**
 * A provider object for `pulumi.dynamic.Resource` that loads the installed implementation at
 * call time. Pulumi serializes it to ~2 KB per resource; the package's own resources use
 * {@link providerModule} instead. Kept for programs written against v0.1, and because its
 * serialized text is what v0.1 states hold.
 */
export function providerShim(kind: ProviderKind): pulumi.dynamic.ResourceProvider {
  let shim = shims.get(kind);
  if (!shim) {
    shim = serializableShim(kind);
    shims.set(kind, shim);
  }
  return shim;
}

function serializableShim(k: ProviderKind): pulumi.dynamic.ResourceProvider {
  const L = () => require("pulumi-dingtalk-feishu/runtime").implementation(k);
  return {
    configure: (...a) => L().configure(...a),
    check: (...a) => L().check(...a),
    diff: (...a) => L().diff(...a),
    create: (...a) => L().create(...a),
    read: (...a) => L().read(...a),
    update: (...a) => L().update(...a),
    delete: (...a) => L().delete(...a),
  };
}
