extension ConsoleAssets {
    /// Live Tail of one group: StartLiveTail's event stream read in the browser, with pause, a filter pattern, a
    /// stream-name prefix and highlighted terms.
    static let liveTail = #"""
        import { stream } from "/console/api.js";
        import { el, show, time, errorBox } from "/console/ui.js";

        /** The most events the page keeps; older ones are dropped from the top. */
        const KEPT = 1000;

        /** `text` as nodes, with every case-insensitive occurrence of a term in a <mark>. */
        function highlighted(text, terms) {
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

        export function liveTailPage(credentials, name) {
          const pattern = el("input", { id: "tail-pattern", placeholder: "Filter pattern (optional)", size: 30, "aria-label": "Filter pattern" });
          const prefix = el("input", { id: "tail-prefix", placeholder: "Stream name prefix (optional)", "aria-label": "Stream name prefix" });
          const terms = el("input", { id: "tail-highlight", placeholder: "Highlight terms", "aria-label": "Terms to highlight" });
          const start = el("button", { type: "submit", id: "tail-start" }, "Start");
          const pause = el("button", { type: "button", class: "secondary", id: "tail-pause", disabled: true }, "Pause");
          const clear = el("button", { type: "button", class: "secondary", id: "tail-clear" }, "Clear");
          const form = el("form", { class: "inline", id: "tail-form" }, pattern, prefix, start, pause, clear);
          const status = el("p", { id: "tail-status", class: "muted", "aria-live": "polite" }, "Not started.");
          const list = el("div", { id: "tail-events", class: "tail" });
          let controller = null, paused = false, held = [], received = 0, sampled = false;

          const wanted = () => terms.value.toLowerCase().split(/\s+/).filter(Boolean);
          const describe = () => {
            status.textContent = `${controller ? (paused ? "Paused" : "Tailing") : "Stopped"} · ${received} events received` +
              (held.length ? ` · ${held.length} held while paused` : "") + (sampled ? " · sampled: more than 500 events a second match" : "");
          };
          const append = (events) => {
            const words = wanted();
            for (const event of events) {
              list.append(el("div", { class: "event", "data-stream": event.logStreamName }, time(event.timestamp),
                el("span", { class: "stream" }, event.logStreamName), " ", el("span", { class: "message" }, highlighted(event.message, words))));
            }
            while (list.children.length > KEPT) list.firstElementChild.remove();
            if (events.length) list.lastElementChild.scrollIntoView({ block: "nearest" });
          };

          function stop() {
            controller?.abort();
            controller = null;
            start.textContent = "Start";
            pause.disabled = true;
            describe();
          }

          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            if (controller) { stop(); return; }
            form.querySelector(".error")?.remove();
            const input = { logGroupIdentifiers: [name] };
            if (pattern.value.trim()) input.logEventFilterPattern = pattern.value.trim();
            if (prefix.value.trim()) input.logStreamNamePrefixes = [prefix.value.trim()];
            const mine = new AbortController();
            controller = mine;
            start.textContent = "Stop";
            pause.disabled = false;
            paused = false; pause.textContent = "Pause"; received = 0; held = []; sampled = false;
            status.textContent = "Starting…";
            try {
              for await (const message of stream(credentials, "logs", "StartLiveTail", input, mine.signal)) {
                if (message.exception) throw new Error(`${message.exception}: ${message.payload.message || ""}`);
                if (message.type === "sessionStart") { status.dataset.session = message.payload.sessionId; describe(); }
                if (message.type !== "sessionUpdate") continue;
                const results = message.payload.sessionResults || [];
                sampled = !!message.payload.sessionMetadata?.sampled;
                received += results.length;
                if (paused) held.push(...results); else append(results);
                describe();
              }
              if (controller === mine) stop();
            } catch (error) {
              if (mine.signal.aborted) return;
              if (controller === mine) stop();
              form.append(errorBox(error));
            }
          });
          pause.addEventListener("click", () => {
            paused = !paused;
            pause.textContent = paused ? "Resume" : "Pause";
            if (!paused) { append(held); held = []; }
            describe();
          });
          clear.addEventListener("click", () => { list.replaceChildren(); held = []; received = 0; describe(); });
          terms.addEventListener("change", () => {
            const words = wanted();
            for (const message of list.querySelectorAll(".message")) message.replaceChildren(...highlighted(message.textContent, words));
          });
          window.addEventListener("cairn:leave", () => { controller?.abort(); controller = null; }, { once: true });

          show(el("p", {}, el("a", { href: "#/group/" + encodeURIComponent(name) }, "← " + name)),
            el("h1", {}, "Live Tail"), form, el("div", { class: "inline" }, terms), status, list);
          pattern.focus();
        }
        """#
}
