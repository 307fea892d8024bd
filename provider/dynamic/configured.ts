import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../core/errors";
import { DEFAULT_PROFILE, ProfileSettingsSource, readProfiles, type ProfileSpec, type RawProfile } from "../config/profiles";
import { SettingsSource } from "../config/settings-source";

/**
 * Settings of every profile, read from the stack config that `configure` received (falling back
 * to the environment). Pulumi caches the provider before `configure` returns, so `configure`
 * must not throw: each profile is read when an operation first needs it, and its error is
 * raised by that operation (at preview that is `check` or `diff`, before any vendor call).
 */
export class ConfiguredProfiles<T> {
  private config?: pulumi.dynamic.Config;
  private configured = false;
  private readonly cache = new Map<string, { value?: T; error?: Error }>();

  constructor(
    private readonly spec: ProfileSpec,
    private readonly read: (source: SettingsSource, profile: string) => T,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Keeps the stack config; nothing is read yet. */
  configure(req: pulumi.dynamic.ConfigureRequest | undefined): void {
    this.config = req?.config;
    this.configured = true;
    this.cache.clear();
  }

  /**
   * The settings of `profile` (the top-level keys for {@link DEFAULT_PROFILE}). Throws a
   * {@link ConfigError} naming the keys to set, also when the profile is not configured at all.
   */
  get(profile: string = DEFAULT_PROFILE): T {
    // Pulumi versions before dynamic-provider `configure` (3.139) never call it: read the environment.
    if (!this.configured) this.configure(undefined);
    let entry = this.cache.get(profile);
    if (!entry) {
      try {
        entry = { value: this.readProfile(profile) };
      } catch (e) {
        entry = { error: e as Error };
      }
      this.cache.set(profile, entry);
    }
    if (entry.error) throw entry.error;
    return entry.value!;
  }

  private readProfile(profile: string): T {
    const base = new SettingsSource(this.config, this.env);
    // A malformed profile map is reported whichever profile is asked for.
    const profiles = readProfiles(this.config, this.spec, this.env);
    if (profile === DEFAULT_PROFILE) return this.read(base, profile);
    const raw = profiles.get(profile);
    if (raw) return this.read(new ProfileSettingsSource(this.spec, raw, base), profile);
    // Reading an empty profile yields the message that names every key to set.
    const empty: RawProfile = { from: "", values: {} };
    let detail = "";
    try {
      this.read(new ProfileSettingsSource(this.spec, empty, base), profile);
    } catch (e) {
      if (ConfigError.isInstance(e)) detail = ` ${e.message}`;
    }
    const known = [...profiles.keys()];
    throw new ConfigError(
      `The ${this.spec.namespace} profile "${profile}" is not configured (neither ${this.spec.namespace}:profiles.${profile} in the stack config nor ` +
        `"${profile}" in ${this.spec.envVar}; configured: ${known.length ? known.map((n) => `"${n}"`).join(", ") : "none"}).${detail}`,
      `${this.spec.namespace}:profiles.${profile}`,
    );
  }
}

/** One client per distinct key (endpoint and credentials), shared by every resource of the process. */
export class ClientPool<C> {
  private readonly clients = new Map<string, C>();

  get(key: string, make: () => C): C {
    let client = this.clients.get(key);
    if (!client) {
      client = make();
      this.clients.set(key, client);
    }
    return client;
  }
}
