// Strips comments and whitespace from wasm-bindgen's generated glue (`baseten_edge.js`, and the
// bundler target's `baseten_edge_bg.js`) in every build directory under pkg/, in place, once
// scripts/pkg-entries.mjs has read and rewritten it. Names stay (no identifier minification:
// export and class names are the API), and so does the module format (ES module or CommonJS).
// Bench section 4 counts the glue in what a page ships.
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";

const root = process.argv[2] ?? "pkg";
let files = 0, before = 0, after = 0;
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === "snippets" || name === "node_modules") continue;
    if (statSync(path).isDirectory()) walk(path);
    else if (name === "baseten_edge.js" || name === "baseten_edge_bg.js") {
      const src = readFileSync(path, "utf8");
      const { code } = transformSync(src, { minifyWhitespace: true, minifySyntax: true, legalComments: "none", loader: "js" });
      writeFileSync(path, code);
      files++, (before += src.length), (after += code.length);
    }
  }
}
walk(root);
if (files === 0) throw new Error(`glue-min: no glue file under ${root}`);
console.log(`glue-min: ${files} glue files, ${before} -> ${after} bytes`);
