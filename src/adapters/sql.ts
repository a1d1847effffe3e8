/**
 * Quotes an SQL identifier, part by part: `auth.user` becomes `"auth"."user"`. Both SQLite and
 * PostgreSQL double an embedded quote, so any table or column name is safe in a statement.
 */
export function quote(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join(".");
}
