import { z } from "@builder.io/qwik-city";

/** Usernames are case-insensitive: stored and looked up in lower case. */
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, "Use at least 3 characters for your username.")
  .max(32, "Use at most 32 characters for your username.")
  .regex(/^[a-z0-9_.-]+$/, "Use only letters, digits, '.', '_' and '-' in your username.");

/** New passwords: long enough to resist guessing, short enough to hash quickly. */
export const newPassword = z
  .string()
  .min(8, "Use at least 8 characters for your password.")
  .max(255, "Use at most 255 characters for your password.");
