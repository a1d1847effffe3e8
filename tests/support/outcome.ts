import { LuciaError } from "../../src/core/errors.js";

/** The `LuciaError` code a promise rejects with, or "resolved"; other errors are rethrown. */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LuciaError) return error.code;
    throw error;
  }
  return "resolved";
}
