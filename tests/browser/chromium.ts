import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

const SYSTEM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

/** `CHROMIUM_PATH`, else the system's Chromium, else Playwright's own download, else null. */
export function findChromium(): string | null {
  const configured = process.env["CHROMIUM_PATH"];
  if (configured) return existsSync(configured) ? configured : null;
  const system = SYSTEM_PATHS.find((path) => existsSync(path));
  if (system) return system;
  try {
    const bundled = chromium.executablePath();
    return bundled && existsSync(bundled) ? bundled : null;
  } catch {
    return null;
  }
}

/** Launches a headless Chromium, or fails with one line that says what to install. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) {
    throw new Error(
      "No Chromium found for the browser tests: run `apt-get install chromium` " +
        "(or set CHROMIUM_PATH to a Chromium binary).",
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
