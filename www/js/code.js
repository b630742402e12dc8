// The code panel: the JavaScript for the current panel's request, as a Node program would
// write it. The key is always `process.env.BASETEN_API_KEY`, never the one typed here.
import { $, js } from "./ui.js";
import { clientCode } from "./settings.js";

export { js };

let copyTimer = 0;

/** Wires the copy button; `render()` redraws for the panel `source` describes. */
export function setupCode(source) {
  const render = () => {
    const { title, code, openai } = source();
    $("code-for").textContent = title;
    $("code").textContent = ['import { Baseten } from "baseten-edge";', "", clientCode({ openai }), "", code(), ""].join("\n");
  };
  $("code-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("code").textContent);
      $("code-copy-msg").textContent = "Copied.";
    } catch {
      // no clipboard permission (e.g. an insecure origin): select the text instead
      getSelection().selectAllChildren($("code"));
      $("code-copy-msg").textContent = "Selected: press Ctrl+C to copy.";
    }
    clearTimeout(copyTimer);
    copyTimer = setTimeout(() => ($("code-copy-msg").textContent = ""), 2500);
  });
  return render;
}
