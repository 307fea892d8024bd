import * as pulumi from "@pulumi/pulumi";
import { dynamicType, withProvider } from "../dynamic/shim";

/** Inputs of a {@link StorageEventSubscription}. Credentials and endpoint come from stack config, never from here. */
export interface StorageEventSubscriptionArgs {
  /** `ORG` (the whole organization: `scopeId` is its corpId) or `SPACE` (one storage space: `scopeId` is the space id). */
  scope: pulumi.Input<"ORG" | "SPACE">;
  /** The corpId (scope `ORG`) or the storage space id (scope `SPACE`). Changing it replaces the subscription. */
  scopeId: pulumi.Input<string>;
  /** The unionId of the operator the subscription is made as. Changing it updates in place. */
  unionId: pulumi.Input<string>;
  /**
   * The profile whose credentials and endpoint are used: a name under `dingtalk:profiles` (or
   * `DINGTALK_PROFILES`). Not a secret. Changing it replaces the subscription: the new one is made
   * under the new profile first, then the old one is removed under the old profile.
   * @default "default" (the top-level `dingtalk:` keys)
   */
  profile?: pulumi.Input<string>;
  /**
   * For a third-party (suite) profile: the corpId of the organization the subscription is made
   * for, so that one suite profile serves every organization that installed the app. Not allowed
   * with other profiles. Changing it replaces the subscription.
   * @default the profile's `authCorpId`, else `scopeId` when `scope` is `ORG`
   */
  authCorpId?: pulumi.Input<string>;
}

/**
 * A DingTalk storage file-change event subscription (`/v1.0/storage/events/subscribe`).
 *
 * Create subscribes, delete unsubscribes. The id is the coverage, `ORG:<corpId>` or
 * `SPACE:<spaceId>`, since DingTalk issues no subscription id. Subscribing is an upsert, so
 * declaring a subscription that already exists adopts it.
 *
 * @example
 * ```ts
 * new dingtalk.StorageEventSubscription("org-files", { scope: "ORG", scopeId: corpId, unionId: operatorUnionId });
 * ```
 */
export class StorageEventSubscription extends pulumi.CustomResource {
  /** `ORG` or `SPACE`. */
  declare public readonly scope: pulumi.Output<"ORG" | "SPACE">;
  /** The corpId or storage space id. */
  declare public readonly scopeId: pulumi.Output<string>;
  /** The operator's unionId. */
  declare public readonly unionId: pulumi.Output<string>;
  /** The DingTalk endpoint the subscription was made at (delete goes there). */
  declare public readonly endpoint: pulumi.Output<string>;
  /** How the provider authenticated: `app`, `suite` or `accessToken`. */
  declare public readonly credentialKind: pulumi.Output<string>;
  /** The internal app's appKey, when `credentialKind` is `app`. */
  declare public readonly appKey: pulumi.Output<string | undefined>;
  /** The third-party app's suiteKey, when `credentialKind` is `suite`. */
  declare public readonly suiteKey: pulumi.Output<string | undefined>;
  /** The authorizing organization's corpId, when `credentialKind` is `suite`. */
  declare public readonly authCorpId: pulumi.Output<string | undefined>;
  /** The profile the subscription was made with; `default` for the top-level `dingtalk:` keys. */
  declare public readonly profile: pulumi.Output<string>;

  constructor(name: string, args: StorageEventSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    // A dynamic resource with a one-line `__provider` (see dynamic/shim.ts), not Pulumi's ~2 KB serialization.
    super(
      dynamicType("dingtalk", "StorageEventSubscription"),
      name,
      withProvider("dingtalk", {
        scope: args.scope,
        scopeId: args.scopeId,
        unionId: args.unionId,
        endpoint: undefined,
        credentialKind: undefined,
        appKey: undefined,
        suiteKey: undefined,
        authCorpId: args.authCorpId,
        profile: args.profile,
      }),
      opts,
    );
  }
}
