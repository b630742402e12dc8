// What the tarball (scripts/pack.sh) ships besides the code: both licenses the package.json names,
// and a README written for npm users (the repository's opens with scripts they do not have).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

const tarball = process.env.BASETEN_EDGE_TARBALL;
const list = () => execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
const read = (file) => execFileSync("tar", ["-xzOf", tarball, `package/${file}`], { encoding: "utf8" });

test("the tarball ships LICENSE-MIT and LICENSE-APACHE, as its license field says", () => {
  const files = list();
  for (const f of ["LICENSE-MIT", "LICENSE-APACHE", "README.md"]) assert.ok(files.includes(`package/${f}`), f);
  assert.equal(JSON.parse(read("package.json")).license, "MIT OR Apache-2.0");
  assert.match(read("LICENSE-APACHE"), /Apache License\s+Version 2\.0, January 2004/);
  assert.match(read("LICENSE-MIT"), /Permission is hereby granted, free of charge/);
});

test("the package README is written for npm users: no repository scripts", () => {
  const readme = read("README.md");
  assert.match(readme, /npm install baseten-edge/);
  assert.doesNotMatch(readme, /scripts\/(play|test)\.sh/);
});
