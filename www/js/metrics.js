// Streaming numbers: time to first token, tokens per second, total time, and a plot of token
// arrival over time drawn as inline SVG by this file (no library). One `StreamMetrics` per
// streaming panel; it renders into a container holding a <dl> and an <svg> it creates.
import { formatMs, h } from "./ui.js";

const SVG = "http://www.w3.org/2000/svg";
const W = 320;
const H = 120;
const PAD = { left: 36, right: 8, top: 8, bottom: 22 };

function s(tag, attrs = {}, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export class StreamMetrics {
  /** `unit`: what one arrival is called ("token", "chunk"). */
  constructor(container, { unit = "token" } = {}) {
    this.unit = unit;
    this.prefix = container.id;
    const dd = (name) => h("dd", { id: `${this.prefix}-${name}` }, "-");
    this.dl = h(
      "dl",
      { class: "facts metrics-facts" },
      h("dt", {}, "Time to first ", unit), dd("ttft"),
      h("dt", {}, unit[0].toUpperCase(), unit.slice(1), "s"), dd("count"),
      h("dt", {}, unit[0].toUpperCase(), unit.slice(1), "s per second"), dd("rate"),
      h("dt", {}, "Total time"), dd("total"),
    );
    this.svg = s("svg", {
      id: `${this.prefix}-plot`,
      class: "plot",
      viewBox: `0 0 ${W} ${H}`,
      role: "img",
      "aria-labelledby": `${this.prefix}-plot-title`,
      preserveAspectRatio: "xMidYMid meet",
    });
    this.title = s("title", { id: `${this.prefix}-plot-title` }, `${unit} arrival over time: nothing yet`);
    this.svg.append(this.title);
    const figure = h("figure", { class: "plot-figure" }, this.svg, h("figcaption", {}, `Cumulative ${unit}s (vertical) against time since the request was sent (horizontal).`));
    container.replaceChildren(this.dl, figure);
    this.reset();
  }

  reset() {
    this.t0 = 0;
    this.headersAt = null;
    this.arrivals = [];
    this.end = null;
    this.scheduled = false;
    this.render();
  }

  start() {
    this.reset();
    this.t0 = performance.now();
  }

  /** Records `n` units arriving now. */
  add(n = 1) {
    const t = performance.now() - this.t0;
    for (let i = 0; i < n; i++) this.arrivals.push(t);
    this.schedule();
  }

  finish() {
    this.end = performance.now() - this.t0;
    this.render();
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.render();
    });
  }

  /** Units per second after the first one (the decode rate: the wait for the first is TTFT). */
  rate() {
    const a = this.arrivals;
    if (a.length < 2) return null;
    const span = a[a.length - 1] - a[0];
    return span > 0 ? ((a.length - 1) * 1000) / span : null;
  }

  render() {
    const a = this.arrivals;
    const set = (name, text) => {
      document.getElementById(`${this.prefix}-${name}`).textContent = text;
    };
    set("ttft", a.length ? formatMs(a[0]) : "-");
    set("count", a.length ? String(a.length) : "-");
    const rate = this.rate();
    set("rate", rate === null ? "-" : rate.toFixed(1));
    const now = this.t0 ? performance.now() - this.t0 : 0;
    set("total", this.end !== null ? formatMs(this.end) : this.t0 ? `${formatMs(now)}…` : "-");
    this.draw();
  }

  draw() {
    const a = this.arrivals;
    const svg = this.svg;
    while (svg.lastChild && svg.lastChild !== this.title) svg.lastChild.remove();
    const span = Math.max(this.end ?? 0, a[a.length - 1] ?? 0, 1);
    const maxY = Math.max(a.length, 1);
    const x = (t) => PAD.left + (t / span) * (W - PAD.left - PAD.right);
    const y = (n) => H - PAD.bottom - (n / maxY) * (H - PAD.top - PAD.bottom);
    svg.append(
      s("line", { class: "axis", x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom }),
      s("line", { class: "axis", x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom }),
      s("text", { class: "tick", x: PAD.left - 4, y: y(maxY) + 4, "text-anchor": "end" }, String(maxY)),
      s("text", { class: "tick", x: PAD.left - 4, y: H - PAD.bottom, "text-anchor": "end" }, "0"),
      s("text", { class: "tick", x: PAD.left, y: H - 6, "text-anchor": "start" }, "0"),
      s("text", { class: "tick", x: W - PAD.right, y: H - 6, "text-anchor": "end" }, formatMs(span)),
    );
    if (!a.length) {
      this.title.textContent = `${this.unit} arrival over time: nothing yet`;
      return;
    }
    // A step line of the cumulative count, a dot per arrival and a marker at the first one.
    let d = `M${x(0).toFixed(1)},${y(0).toFixed(1)}`;
    a.forEach((t, i) => {
      d += ` H${x(t).toFixed(1)} V${y(i + 1).toFixed(1)}`;
    });
    if (this.end !== null) d += ` H${x(this.end).toFixed(1)}`;
    svg.append(
      s("line", { class: "ttft-mark", x1: x(a[0]), y1: PAD.top, x2: x(a[0]), y2: H - PAD.bottom }),
      s("path", { class: "curve", d }),
    );
    const dots = s("g", { class: "dots" });
    a.forEach((t, i) => dots.append(s("circle", { cx: x(t).toFixed(1), cy: y(i + 1).toFixed(1), r: 1.6 })));
    svg.append(dots);
    const rate = this.rate();
    this.title.textContent =
      `${a.length} ${this.unit}s over ${formatMs(span)}; first after ${formatMs(a[0])}` +
      (rate === null ? "" : `, ${rate.toFixed(1)} per second after that`);
  }
}
