import { z } from "zod";

/** The longest identifier accepted; vendor ids are far shorter (a unionId is ~28 characters). */
export const MAX_IDENTIFIER_LENGTH = 256;

// Bidirectional controls (they reorder what a log or a diff shows) and zero-width characters
// (invisible): never part of a real id, and the way a pasted or spoofed id hides.
const INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/**
 * A vendor identifier: non-empty, at most {@link MAX_IDENTIFIER_LENGTH} characters, no white
 * space, control, bidirectional or zero-width characters, and well-formed UTF-16 (a lone
 * surrogate cannot be encoded into a URL or JSON for the vendor). Other characters (`&`, `#`,
 * `/`, non-ASCII) pass and are sent byte-exact, encoded where they travel in a URL.
 * Messages never echo the value, so they stay short whatever the input.
 */
export function identifier(name: string) {
  return z
    .string({ error: `${name} must be a string` })
    .min(1, { error: `${name} must not be empty` })
    .max(MAX_IDENTIFIER_LENGTH, { error: `${name} must be at most ${MAX_IDENTIFIER_LENGTH} characters` })
    .regex(/^[^\s\p{Cc}]*$/u, { error: `${name} must not contain white space or control characters` })
    .refine((v) => !INVISIBLE.test(v), { error: `${name} must not contain bidirectional-control or zero-width characters (often pasted by accident)` })
    .refine((v) => isWellFormed(v), { error: `${name} must be valid Unicode text (it holds a lone surrogate)` });
}

function isWellFormed(value: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(value);
}
