import type { Logger } from "../lib/log.js";

export interface CheckResult {
  ok: boolean;
  /** The version or path found, or what is missing. */
  detail: string;
}

/** One host prerequisite: how to check it and, optionally, how to fix it. */
export interface Prerequisite {
  id: string;
  title: string;
  /** Ids that must be fixed first. */
  needs?: string[];
  check(): Promise<CheckResult>;
  /** The command(s) a human would run. */
  fixHint: string;
  /**
   * Debian packages that would provide what check() found missing. `doctor --fix` installs the
   * lacking packages of every failing prerequisite with a single apt-get call before any fix() runs.
   */
  missingPackages?(): Promise<string[]>;
  /** Steps that must precede that apt-get call (dpkg --add-architecture). Returns the actions taken. */
  beforeInstall?(log: Logger, packages: readonly string[]): Promise<string[]>;
  /** Performs the rest of the fix (after the packages are in) and returns the actions taken. */
  fix?(log: Logger): Promise<string[]>;
}

export interface DoctorItem {
  id: string;
  title: string;
  ok: boolean;
  detail: string;
  fixHint: string;
  /** Actions taken by --fix, e.g. "apt-get install musl-tools", "started dockerd (pid 123)". */
  fixed: string[];
}

export interface DoctorResult {
  ok: boolean;
  items: DoctorItem[];
}
