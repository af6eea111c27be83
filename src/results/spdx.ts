/** The SPDX 2.3 document's shape as the sbom stage writes it (src/build/sbom.ts) and src/results/sbom.ts reads it back. */
export const SPDX_VERSION = "SPDX-2.3";

export interface SpdxChecksum {
  algorithm: "SHA1" | "SHA256";
  checksumValue: string;
}

export interface SpdxExternalRef {
  referenceCategory: "PACKAGE-MANAGER";
  referenceType: "purl";
  referenceLocator: string;
}

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  packageFileName?: string;
  downloadLocation: string;
  /** §7.8: false only for a package that contains no file in this document. */
  filesAnalyzed: boolean;
  /** §7.9: present exactly when filesAnalyzed is true (packageVerificationCode). */
  packageVerificationCode?: { packageVerificationCodeValue: string; packageVerificationCodeExcludedFiles?: string[] };
  checksums?: SpdxChecksum[];
  licenseConcluded: string;
  licenseDeclared: string;
  copyrightText: string;
  primaryPackagePurpose?: "CONTAINER" | "APPLICATION" | "LIBRARY";
  summary?: string;
  comment?: string;
  externalRefs?: SpdxExternalRef[];
}

export interface SpdxFile {
  SPDXID: string;
  fileName: string;
  checksums: SpdxChecksum[];
  licenseConcluded: string;
  copyrightText: string;
}

export interface SpdxRelationship {
  spdxElementId: string;
  relationshipType: "DESCRIBES" | "CONTAINS" | "STATIC_LINK" | "GENERATED_FROM";
  relatedSpdxElement: string;
}

export interface SpdxDocument {
  spdxVersion: typeof SPDX_VERSION;
  dataLicense: "CC0-1.0";
  SPDXID: "SPDXRef-DOCUMENT";
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[] };
  packages: SpdxPackage[];
  files: SpdxFile[];
  relationships: SpdxRelationship[];
}
