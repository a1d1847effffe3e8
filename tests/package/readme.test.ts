import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");
const app = (path: string) => readFileSync(join(root, "example-app", path), "utf8");

/** The code block that follows the README line containing `heading`. */
function blockAfter(heading: string): string {
  const at = readme.indexOf(heading);
  if (at === -1) throw new Error(`README has no ${JSON.stringify(heading)}`);
  const match = /```\w*\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!match) throw new Error(`no code block after ${JSON.stringify(heading)}`);
  return match[1]!;
}

describe("the README's Qwik quick start is the example app's own code", () => {
  it.each([
    ["**2. `src/routes/plugin@auth.ts`**", "src/routes/plugin@auth.ts"],
    ["**3. A guarded layout**", "src/routes/(account)/layout.tsx"],
    ["**5. A guarded API route**", "src/routes/api/me/index.ts"],
  ])("%s is %s", (heading, file) => {
    expect(blockAfter(heading)).toBe(app(file));
  });

  it("the sign-in action is the one of src/routes/sign-in/index.tsx", () => {
    expect(app("src/routes/sign-in/index.tsx")).toContain(blockAfter("**4. A sign-in action**"));
  });
});
