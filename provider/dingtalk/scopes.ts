// Kept apart from schema.ts so that the public declarations do not pull zod's types into a
// user's program (zod's .d.cts need esModuleInterop or skipLibCheck, which `pulumi new` omits).

/** The scopes DingTalk storage events can be subscribed at. */
export const STORAGE_EVENT_SCOPES = ["ORG", "SPACE"] as const;
