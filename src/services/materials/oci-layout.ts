import { readFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { CairnError } from "../../errors.ts";
import { resolveOciLayout, splitImageValue, type LayoutImage } from "../../crafter/materials/container-image.ts";

/** Reads an OCI image-layout directory and checks that the selected manifest blob is present and intact. */
export function readLayoutImage(value: string, cwd: string): LayoutImage {
  const { dir, pin } = splitImageValue(value);
  const root = resolve(cwd, dir);
  const read = (name: string): string => {
    try {
      return readFileSync(resolve(root, name), "utf8");
    } catch {
      throw new CairnError("MATERIAL_INVALID", `${dir}: no ${name}; not an OCI image-layout directory`, {
        hint: "pass a directory holding oci-layout, index.json and blobs/ (e.g. `skopeo copy docker://IMAGE oci:DIR`)",
      });
    }
  };
  const img = resolveOciLayout({ dir, ociLayout: read("oci-layout"), index: read("index.json"), pin, dirName: basename(root) });
  const hex = img.digest.slice("sha256:".length);
  let blob: Buffer;
  try {
    blob = readFileSync(resolve(root, "blobs", "sha256", hex));
  } catch {
    throw new CairnError("MATERIAL_INVALID", `${dir}: manifest blob ${img.digest} is missing from blobs/sha256/`);
  }
  if (new Bun.CryptoHasher("sha256").update(blob).digest("hex") !== hex) {
    throw new CairnError("MATERIAL_INVALID", `${dir}: manifest blob ${img.digest} does not match its digest`);
  }
  return img;
}
