/** `kimigayo doctor [--fix]`: host prerequisites, checked and (with --fix) installed or started. */
export type { DoctorItem, DoctorResult } from "./types.js";
export { doctor, formatDoctor } from "./doctor.js";
export { debianOrigTarball } from "./debian-source.js";
