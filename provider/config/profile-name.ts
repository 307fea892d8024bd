import { z } from "zod";
import { profileNameProblem } from "./profiles";

/** The `profile` input of a resource: a name of `<vendor>:profiles`, or `default` for the top-level keys. */
export function profileName() {
  return z.string({ error: "profile must be a string" }).superRefine((name, ctx) => {
    const problem = profileNameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: `profile ${problem}` });
  });
}
