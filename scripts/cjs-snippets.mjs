// Turns the JS snippets of a wasm-bindgen `nodejs` (CommonJS) build into CommonJS, in place:
// wasm-bindgen copies them as ES modules, which `require` cannot load on Node 20. esbuild
// transforms each file (imports between snippets become requires of the converted files), and
// each result is then checked: `require` must give exactly the exports the ES module has, so a
// new snippet cannot silently break `require("baseten-edge")`.
// Usage: node scripts/cjs-snippets.mjs <nodejs build dir> <ESM build dir with the same snippets>
import { readFileSync, writeFileSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { transformSync } from "esbuild";

const [cjsDir, esmDir] = process.argv.slice(2);
if (!cjsDir || !esmDir) throw new Error("usage: cjs-snippets.mjs <nodejs dir> <esm dir>");

/** Every .js file below `dir`. @param {string} dir @returns {string[]} */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".js") ? [path] : [];
  });
}

const snippets = files(join(cjsDir, "snippets"));
for (const file of snippets) {
  const { code } = transformSync(readFileSync(file, "utf8"), { format: "cjs", target: "node18", loader: "js" });
  writeFileSync(file, code);
}

const require = createRequire(import.meta.url);
for (const file of snippets) {
  const esm = join(esmDir, relative(cjsDir, file));
  const want = Object.keys(await import(pathToFileURL(esm).href)).sort();
  const got = Object.keys(require(join(process.cwd(), file))).sort();
  if (want.join() !== got.join()) {
    throw new Error(`cjs-snippets: ${file} exports [${got}] as CommonJS but [${want}] as an ES module`);
  }
}
console.error(`cjs-snippets: ${snippets.length} snippets of ${cjsDir} converted and checked`);
