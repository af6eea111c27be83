/** The one home of how figures read (src/lib/format.ts): bytes, signs, percentages, no-break spaces. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatBytes, formatDelta, formatDeltaBytes, formatNumber, formatPercent, formatValue } from "../../src/lib/format.js";

/** Shown with visible stand-ins: "_" for U+00A0, "'" for U+202F, "-" only where U+2212 is not. */
const show = (s: string) => s.replace(/\u00a0/g, "_").replace(/\u202f/g, "'");

describe("format: one unit rule and one sign style", () => {
  const cases: [string, string, string][] = [
    ["bytes", formatBytes(544812), "544'812_B"],
    ["bytes, small", formatBytes(215), "215_B"],
    ["bytes, four digits", formatBytes(5632), "5'632_B"],
    ["bytes, millions", formatBytes(1234567), "1'234'567_B"],
    ["bytes, negative", formatBytes(-215), "−215_B"],
    ["byte change, more", formatDeltaBytes(5632), "+5'632_B"],
    ["byte change, less (U+2212)", formatDeltaBytes(-215), "−215_B"],
    ["byte change, none", formatDeltaBytes(0), "±0_B"],
    ["percent", formatPercent(7.69), "7.7_%"],
    ["percent, signed", formatPercent(1, true), "+1.0_%"],
    ["percent, signed negative", formatPercent(-16.666), "−16.7_%"],
    ["percent, tiny", formatPercent(0.04, true), "+0.04_%"],
    ["percent, zero", formatPercent(0, true), "±0.0_%"],
    ["delta, bytes", formatDelta(105632, 100000), "+5'632_B (+5.6_%)"],
    ["delta, bytes less", formatDelta(99785, 100000), "−215_B (−0.2_%)"],
    ["delta, none", formatDelta(100, 100), "±0_B"],
    ["delta, new", formatDelta(100, undefined), "new"],
    ["delta, ms", formatDelta(10, 12, "ms"), "−2.0_ms (−16.7_%)"],
    ["delta, ms below a tenth", formatDelta(10.01, 10, "ms"), "±0.0_ms"],
    ["value, ms", formatValue(12.34, "ms"), "12.3_ms"],
    ["value, ms from 100", formatValue(1234.5, "ms"), "1'235_ms"],
    ["value, ratio", formatValue(0.75123, "x"), "0.751×"],
    ["value, bytes", formatValue(675800, "B"), "675'800_B"],
    ["number, negative zero", formatNumber(-0.01, 1), "0.0"],
  ];
  for (const [what, got, want] of cases) it(`${what}: ${want}`, () => assert.equal(show(got), want));

  it("no hyphen-minus and no plain space inside any figure", () => {
    for (const [, got] of cases) {
      assert.doesNotMatch(got.replace(/ \(/, "("), / /, `${show(got)} would wrap`);
      assert.doesNotMatch(got, /(^|\()-/, `${show(got)} uses "-" for minus`);
    }
  });
});
