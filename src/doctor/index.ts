/** `kimigayo doctor [--fix]`: host prerequisites, checked and (with --fix) installed or started. */
export type { CheckResult, DoctorItem, DoctorResult, Prerequisite } from "./types.js";
export { PREREQUISITES } from "./prerequisites.js";
export { doctor, formatDoctor, orderPrerequisites } from "./doctor.js";
export { isRoot } from "./host.js";
export { registryConfig, REGISTRY_CONFIG, REGISTRY_LOG, DOCKERD_LOG } from "./services.js";
export { debianOrigTarball } from "./debian-source.js";
