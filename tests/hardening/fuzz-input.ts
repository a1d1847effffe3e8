import fc from "fast-check";

/** Strings a client could put in a header: printable ASCII, with the delimiters that matter. */
const headerText = fc.string({
  unit: fc.constantFrom(
    ..."abcAZ09-_=;,:/.% \t\"'<>\\@!#$&*+?[]{}|~`^()".split(""),
    "auth_session",
    "Bearer ",
    "null",
    "http://",
    "https://",
  ),
  maxLength: 80,
});

/** Anything at all, including control characters and non-ASCII. */
const anyText = fc.string({ unit: "binary", maxLength: 60 });

/** The values the fuzz inserts into cookies and headers. */
export function requestParts(validToken: string) {
  const token = fc.oneof(
    fc.constant(validToken),
    fc.constant(validToken.slice(1)),
    fc.constant(`${validToken}x`),
    fc.string({ unit: fc.constantFrom(..."ABCabc019_-".split("")), minLength: 30, maxLength: 40 }),
    headerText,
  );
  const cookie = fc.oneof(
    fc.constant(undefined),
    token.map((value) => `auth_session=${value}`),
    fc.tuple(headerText, token).map(([other, value]) => `${other}; auth_session=${value}`),
    headerText,
    fc.constant("auth_session"),
    fc.constant('auth_session="unterminated'),
  );
  const authorization = fc.oneof(
    fc.constant(undefined),
    token.map((value) => `Bearer ${value}`),
    token.map((value) => `bEaReR   ${value}   `),
    headerText,
  );
  const origin = fc.oneof(
    fc.constant(undefined),
    fc.constant("null"),
    fc.constant("http://127.0.0.1"),
    fc.constantFrom("http://evil.test", "https://127.0.0.1", "http://sub.127.0.0.1", "file://"),
    headerText,
  );
  const method = fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");
  const path = fc.oneof(
    fc.constant("/"),
    headerText.map((text) => `/${encodeURIComponent(text)}`),
    fc.webPath(),
  );
  return { cookie, authorization, origin, method, path, anyText };
}

/** Header values as `Headers` accepts them (it refuses control characters and non-Latin-1). */
export function asHeaderValue(value: string): string {
  return value.replace(/[^\x20-\x7e\t]/g, "?").trim();
}
