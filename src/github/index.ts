export * from "./client.js";
export * from "./comments.js";
export * from "./pulls.js";
export * from "./releases.js";
