import * as pulumi from "@pulumi/pulumi";
import { dynamicType, withProvider } from "../dynamic/shim";
import type { HelpdeskEvent } from "./events";

/** Inputs of a {@link HelpdeskEventSubscription}. Credentials, helpdesk and endpoint come from stack config. */
export interface HelpdeskEventSubscriptionArgs {
  /**
   * The event pairs to subscribe, for example `HelpdeskEvents.TicketCreated`. Order does not
   * matter; a change subscribes only the added pairs and unsubscribes only the removed ones.
   * Two resources must not claim the same pair on the same helpdesk.
   */
  events: pulumi.Input<pulumi.Input<HelpdeskEvent>[]>;
  /**
   * The profile whose app, helpdesk and endpoint are used: a name under `feishu:profiles` (or
   * `FEISHU_PROFILES`). Not a secret. Changing it to one with another app, helpdesk or endpoint
   * replaces the subscription: the new pairs are subscribed under the new profile first, then the
   * old ones unsubscribed under the old profile.
   * @default "default" (the top-level `feishu:` keys)
   */
  profile?: pulumi.Input<string>;
}

/**
 * A Feishu (or Lark) helpdesk event subscription (`/open-apis/helpdesk/v1/events/subscribe`)
 * on the helpdesk configured by `feishu:helpdeskId`.
 *
 * @example
 * ```ts
 * new feishu.HelpdeskEventSubscription("tickets", { events: [feishu.HelpdeskEvents.TicketCreated] });
 * ```
 */
export class HelpdeskEventSubscription extends pulumi.CustomResource {
  /** The subscribed pairs, sorted by type then subtype. */
  declare public readonly events: pulumi.Output<HelpdeskEvent[]>;
  /** The helpdesk the events are subscribed on. */
  declare public readonly helpdeskId: pulumi.Output<string>;
  /** The Feishu or Lark endpoint the subscription was made at (delete goes there). */
  declare public readonly endpoint: pulumi.Output<string>;
  /** The app's id, or `tenantAccessToken` when a token obtained elsewhere was used. */
  declare public readonly appId: pulumi.Output<string>;
  /** The profile the subscription was made with; `default` for the top-level `feishu:` keys. */
  declare public readonly profile: pulumi.Output<string>;

  constructor(name: string, args: HelpdeskEventSubscriptionArgs, opts?: pulumi.CustomResourceOptions) {
    // A dynamic resource with a one-line `__provider` (see dynamic/shim.ts), not Pulumi's ~2 KB serialization.
    super(
      dynamicType("feishu", "HelpdeskEventSubscription"),
      name,
      withProvider("feishu", { events: args.events, profile: args.profile, helpdeskId: undefined, endpoint: undefined, appId: undefined }),
      opts,
    );
  }
}
