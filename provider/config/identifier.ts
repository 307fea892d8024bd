import { z } from "zod";

/** The longest identifier accepted; vendor ids are far shorter (a unionId is ~28 characters). */
export const MAX_IDENTIFIER_LENGTH = 256;

/**
 * A vendor identifier: non-empty, at most {@link MAX_IDENTIFIER_LENGTH} characters, and no
 * white space or control characters (which would never be a real id and could break a
 * query string or a header). Other characters (`&`, `#`, `/`, non-ASCII) pass and are sent
 * byte-exact, encoded where they travel in a URL.
 */
export function identifier(name: string) {
  return z
    .string({ error: `${name} must be a string` })
    .min(1, { error: `${name} must not be empty` })
    .max(MAX_IDENTIFIER_LENGTH, { error: `${name} must be at most ${MAX_IDENTIFIER_LENGTH} characters` })
    .regex(/^[^\s\p{Cc}]*$/u, { error: `${name} must not contain white space or control characters` });
}
