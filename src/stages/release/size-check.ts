/** size-check: every image against its budget; a failure stops the release before anything is published. */
import { join } from "node:path";
import { CheckFailure } from "../../lib/errors.js";
import { writeSizeReport } from "../../results/size-report.js";
import { runSizeCheck } from "../../size/check.js";
import type { Stage } from "../stage.js";
import type { ReleaseContext } from "./context.js";

export const sizeCheck: Stage<ReleaseContext> = {
  name: "size-check",
  async run(ctx) {
    const req = ctx.release;
    const size = await runSizeCheck({
      config: ctx.config,
      outDir: ctx.outDir,
      log: ctx.log,
      ...(req.sizeBaseline ? { baseline: req.sizeBaseline } : {}),
      ...(req.registry ? { registry: req.registry } : {}),
    });
    await writeSizeReport(join(ctx.outDir, "size-report.json"), size.report);
    if (size.report.status === "fail") {
      throw new CheckFailure(
        `size-check failed, so nothing was published:\n${size.report.images.flatMap((i) => i.reasons.map((r) => `  ${i.variant} ${i.platform}: ${r}`)).join("\n")}`,
      );
    }
    ctx.size = size;
  },
};
