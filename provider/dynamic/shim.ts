import type * as pulumi from "@pulumi/pulumi";

/** The resource kinds whose implementation the installed package provides. */
export type ProviderKind = "dingtalk" | "feishu" | "noop";

const shims = new Map<ProviderKind, pulumi.dynamic.ResourceProvider>();

/**
 * The provider object that Pulumi serializes into every resource's state (`__provider`).
 *
 * Pulumi runs the serialized copy later (on delete, the copy from state), so it holds no
 * logic: each method loads the real implementation from the installed package at call
 * time. That keeps `__provider` small (about 2 KB: each method costs ~200 bytes of
 * serializer wrapping, hence the terse rest-argument arrows), lets a fixed bug reach
 * existing resources, and lets all resources of one run share the implementation's token
 * cache and rate limiter. Only `kind` and `require` are captured; `require` resolves from
 * the provider process's working directory, the program's folder.
 *
 * One object per kind: Pulumi caches the serialized text per provider object, so a
 * program with many resources serializes once.
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
