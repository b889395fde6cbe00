extension ConsoleAssets {
    /// What every page uses: building elements, times and sizes, errors, the time-range picker, charts.
    static let ui = #"""
        import { AWSError } from "/console/api.js";

        export const main = document.getElementById("main");

        /** What the signed-in key's role allows (its `role` was learned at sign-in). */
        export const mayRead = (credentials) => credentials.role !== "writer";
        export const mayWrite = (credentials) => credentials.role !== "reader";
        export const isAdmin = (credentials) => credentials.role === "admin";

        /** Builds an element: `el("td", { class: "x" }, "text", child)`. Text is always set as text, never HTML. */
        export function el(tag, attributes = {}, ...children) {
          const node = document.createElement(tag);
          for (const [name, value] of Object.entries(attributes)) {
            if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
            else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : value);
          }
          for (const child of children.flat()) {
            if (child === null || child === undefined) continue;
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
          }
          return node;
        }

        let page = new AbortController();

        /**
         * Starts a new page, ending the last one: its signal aborts, so that its streams, polls and late loads stop
         * (a page's work checks `signal.aborted` before it draws).
         */
        export function startPage() {
          page.abort();
          page = new AbortController();
          return page.signal;
        }

        /** Replaces the page's content with `nodes` (lists are flattened; null and undefined are left out). */
        export function show(...nodes) {
          main.replaceChildren(...nodes.flat(2).filter((node) => node !== null && node !== undefined));
        }

        /** A link back to the page a page was opened from. */
        export function backLink(href, text) {
          return el("p", {}, el("a", { href }, "← " + text));
        }

        /** A term and its value in a `dl.facts`. */
        export function fact(term, ...value) {
          return [el("dt", {}, term), el("dd", {}, ...value)];
        }

        /**
         * Runs `action` when `form` is submitted: earlier errors go, the submit button is disabled while it runs
         * (no double submission), and its error is shown at the end of `form` (or `where`).
         */
        export function onSubmit(form, action, where = form) {
          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            where.querySelectorAll(":scope > .error").forEach((node) => node.remove());
            const button = form.querySelector("button[type=submit]");
            if (button) button.disabled = true;
            try { await action(); } catch (error) { where.append(errorBox(error)); } finally { if (button) button.disabled = false; }
          });
          return form;
        }

        /** A time in the browser's zone, with UTC on hover. */
        export function time(milliseconds) {
          if (milliseconds === undefined || milliseconds === null) return "";
          const date = new Date(milliseconds);
          return el("time", { datetime: date.toISOString(), title: date.toISOString().replace("T", " ").replace("Z", " UTC") },
            date.toLocaleString());
        }

        export function bytes(count) {
          if (count === undefined) return "";
          const units = ["B", "KB", "MB", "GB", "TB"];
          let value = count, unit = 0;
          while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
          return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
        }

        export function errorBox(error) {
          const text = error instanceof AWSError ? `${error.type}: ${error.message}` : String(error.message || error);
          return el("p", { class: "error", role: "alert" }, text);
        }

        /**
         * A table with `headers` (a header starting with "?" is hidden on narrow windows) and a body to fill;
         * `empty(text)` says there are no rows.
         */
        export function table(id, headers) {
          const body = el("tbody", { id });
          const wrap = el("div", { class: "table-wrap" }, el("table", {}, el("thead", {}, el("tr", {},
            headers.map((header) => header.startsWith("?") ? el("th", { class: "optional" }, header.slice(1)) : el("th", {}, header)))),
            body));
          const empty = (text) => body.append(el("tr", {}, el("td", { colspan: headers.length, class: "muted" }, text)));
          return { wrap, body, empty };
        }

        /**
         * Every page of a paginated list operation, concatenated: `member` names the list, `token` the output cursor and
         * `input` the request's (KMS answers `NextMarker` for a `Marker`, and `Truncated` false on the last page).
         */
        export async function everyPage(fetchPage, member, token = "nextToken", input = token) {
          const all = [];
          const seen = new Set();
          let next;
          do {
            const page = await fetchPage(next ? { [input]: next } : {});
            all.push(...(page[member] || []));
            next = page.Truncated === false ? undefined : page[token];
            if (next && seen.has(next)) throw new Error(`${member}: the server repeated a page token`);
            seen.add(next);
          } while (next);
          return all;
        }

        export const RANGES = [["15m", 15 * 60000], ["1h", 3600000], ["1d", 86400000], ["1w", 7 * 86400000]];

        /** A time-range picker (the last hour chosen); `spanOf(select)` is its length in milliseconds. */
        export function rangeSelect(id) {
          return el("select", { id, "aria-label": "Time range" }, RANGES.map(([label], index) =>
            el("option", { value: String(index), selected: index === 1 }, `Last ${label}`)));
        }

        export function spanOf(select) { return RANGES[Number(select.value)][1]; }

        export const PALETTE = ["#0b6e99", "#d9730d", "#448361", "#9f6b53", "#6940a5", "#d44c47"];

        /**
         * Draws a line (times) or bar chart into `box` (a `.chart` element holding a canvas): `labels` along the x axis,
         * one dataset per `{ label, data }`. Says so in the box when Chart.js is missing.
         */
        export function drawChart(box, kind, labels, series) {
          box.hidden = false;
          const canvas = box.querySelector("canvas");
          if (!window.Chart || !canvas) {
            box.replaceChildren(el("p", { class: "error" }, window.cairnChartMissing || "Chart.js did not load."));
            return null;
          }
          window.Chart.getChart(canvas)?.destroy();
          return new window.Chart(canvas, {
            type: kind,
            data: { labels, datasets: series.map((line, index) => ({ label: line.label, data: line.data,
              borderColor: PALETTE[index % PALETTE.length], backgroundColor: PALETTE[index % PALETTE.length] })) },
            options: { animation: false, responsive: true, maintainAspectRatio: false },
          });
        }

        /** A chart box with its canvas. */
        export function chartBox(id) {
          return el("div", { class: "chart", id: id + "-box", hidden: true }, el("canvas", { id }));
        }

        /** `text` as nodes, with every case-insensitive occurrence of one of `terms` (lower-cased) in a <mark>. */
        export function highlighted(text, terms = []) {
          if (!terms.length) return [text];
          const lower = text.toLowerCase();
          const nodes = [];
          let at = 0;
          for (;;) {
            let next = -1, term = "";
            for (const candidate of terms) {
              const found = lower.indexOf(candidate, at);
              if (found >= 0 && (next < 0 || found < next)) { next = found; term = candidate; }
            }
            if (next < 0) break;
            if (next > at) nodes.push(text.slice(at, next));
            nodes.push(el("mark", {}, text.slice(next, next + term.length)));
            at = next + term.length;
          }
          if (at < text.length) nodes.push(text.slice(at));
          return nodes;
        }

        /**
         * One event; a JSON message can be opened to show it indented. Live Tail shows the stream's name and highlights
         * `terms` instead.
         */
        export function eventRow(event, { stream = false, terms = null } = {}) {
          const row = el("div", { class: "event", "data-stream": event.logStreamName }, time(event.timestamp),
            stream ? [el("span", { class: "stream" }, event.logStreamName), " "] : null);
          let parsed = null;
          if (!terms) {
            try { parsed = event.message.trim().startsWith("{") ? JSON.parse(event.message) : null; } catch { parsed = null; }
          }
          if (parsed) {
            row.append(el("details", {}, el("summary", {}, event.message), el("pre", {}, JSON.stringify(parsed, null, 2))));
          } else {
            row.append(el("span", { class: "message" }, highlighted(event.message, terms || [])));
          }
          return row;
        }

        /**
         * An action that needs confirming: `button` opens a panel with `question`, the extra `fields` and a confirm
         * button; `action(panel)` runs on confirm, and its error is shown in the panel.
         */
        export function confirmPanel(button, id, question, fields, action) {
          const panel = el("div", { class: "confirm", id, hidden: true, role: "group", "aria-labelledby": id + "-question" },
            el("p", { id: id + "-question" }, question), fields,
            el("div", { class: "inline" },
              el("button", { type: "button", class: "danger", id: id + "-yes" }, "Confirm"),
              el("button", { type: "button", class: "secondary", id: id + "-no" }, "Cancel")));
          // The first field, or Cancel: a stray Enter does not confirm.
          button.addEventListener("click", () => { panel.hidden = false; (panel.querySelector("input") || panel.querySelector(`#${id}-no`)).focus(); });
          panel.querySelector(`#${id}-no`).addEventListener("click", () => { panel.hidden = true; button.focus(); });
          panel.querySelector(`#${id}-yes`).addEventListener("click", async () => {
            panel.querySelector(".error")?.remove();
            try { await action(panel); } catch (error) { panel.append(errorBox(error)); }
          });
          return panel;
        }
        """#
}
