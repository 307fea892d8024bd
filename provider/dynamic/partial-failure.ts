import { NetworkError, TimeoutError, VendorApiError } from "../core/errors";
import { isRefusalCode } from "../core/retry-policy";

/**
 * Whether the vendor may have applied a request that failed: the request may have reached it
 * and the answer was lost (a timeout, a dropped connection), or it answered with a server error
 * (5xx), which does not say whether the change was made. A refusal (parameter, permission,
 * credentials, throttling: 4xx, or a refusal code on any status), a configuration error or a failure
 * before sending say it was not.
 */
export function mayHaveApplied(error: unknown): boolean {
  if (NetworkError.isInstance(error) || TimeoutError.isInstance(error)) return true;
  // A gateway may wrap a refusal (IP ban, permission, parameters) in a 5xx: the code still says no.
  return VendorApiError.isInstance(error) && error.httpStatus >= 500 && !isRefusalCode(error);
}

/**
 * The error for an operation whose vendor call may have been applied: it carries the resource id
 * and the properties that describe what may be live, which the dynamic-provider host reports as
 * `ErrorResourceInitFailed`. Pulumi then records the resource ("created but failed" on create; the
 * new properties on update), so a later `up` or `destroy` acts on it instead of orphaning it.
 * The message is the cause's, with `note` added; `inputs` supply the `__provider` to keep.
 */
export function createdButFailed(id: string, properties: object, cause: unknown, note: string, inputs: Record<string, unknown> = {}): Error {
  const base = cause instanceof Error ? cause : new Error(String(cause));
  const err = new Error(`${base.message} (${note}; recorded in the state so that the next pulumi up or destroy settles it)`, { cause: base });
  // The host adds `__provider` to the properties of a success, not to these: without it the
  // recorded resource could never be updated or deleted.
  const provider = inputs.__provider === undefined ? {} : { __provider: inputs.__provider };
  Object.assign(err, { id, properties: { ...properties, ...provider }, reasons: [`${note}: ${base.message}`] });
  return err;
}
