/** One table of BENCHMARKS.md, and the file that holds them all. */
import { cpus } from "node:os";

/** A goal from the issue, and whether this run met it. */
export interface Target {
  goal: string;
  met: boolean;
  /** The measured figure the verdict rests on. */
  measured: string;
}

/** What one benchmark hands back: its table, or why it was skipped. */
export interface Section {
  title: string;
  /** What was measured and how, in a sentence or two. */
  method: string;
  headers: string[];
  rows: string[][];
  targets: Target[];
  /** Causes of missed targets and other facts a reader needs to read the table. */
  notes: string[];
  /** Set instead of a table when the benchmark could not run. */
  skipped?: string;
}

export function skippedSection(title: string, reason: string): Section {
  return { title, method: "", headers: [], rows: [], targets: [], notes: [], skipped: reason };
}

function table(headers: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(" | ")} |`;
  const align = headers.map((_, i) => (i === 0 ? "---" : "---:"));
  return [line(headers), line(align), ...rows.map(line)].join("\n");
}

function renderSection(section: Section): string {
  const parts = [`## ${section.title}`];
  if (section.skipped) {
    parts.push(`skipped: ${section.skipped}`);
    return parts.join("\n\n");
  }
  parts.push(section.method, table(section.headers, section.rows));
  const bullets = [
    ...section.targets.map(
      (target) =>
        `- Target ${target.goal}: **${target.met ? "met" : "missed"}** (${target.measured})`,
    ),
    ...section.notes.map((note) => `- ${note}`),
  ];
  if (bullets.length > 0) parts.push(bullets.join("\n"));
  return parts.join("\n\n");
}

/** The whole of BENCHMARKS.md: how it was produced, on what machine, then one table each. */
export function renderReport(sections: Section[], command: string, seconds: number): string {
  const cpuModel = cpus()[0]?.model.trim() ?? "unknown CPU";
  const date = new Date().toISOString().slice(0, 16).replace("T", " ");
  return `# Benchmarks

Written by \`${command}\` on ${date} UTC, in ${Math.round(seconds)} s.
Machine: ${cpus().length} cores (${cpuModel}), Node ${process.version}, ${process.platform}.

Machines like this one are shared and noisy, so every figure is a ratio against a reference
measured in the same run: the median of alternating rounds, with the minimum and maximum in
parentheses. Absolute rates are shown for orientation only. \`npm run bench -- --quick\` is a
short smoke run with small rounds; its figures are rougher.

${sections.map(renderSection).join("\n\n")}
`;
}
