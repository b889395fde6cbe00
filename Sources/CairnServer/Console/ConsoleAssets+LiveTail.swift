extension ConsoleAssets {
    /// Live Tail of one group: StartLiveTail's event stream read in the browser, with pause, a filter pattern, a
    /// stream-name prefix and highlighted terms.
    static let liveTail = #"""
        import { stream } from "/console/api.js";
        import { el, show, errorBox, backLink, eventRow, highlighted } from "/console/ui.js";

        /** The most events the page keeps (older ones are dropped from the top), and holds while paused. */
        const KEPT = 1000;

        export function liveTailPage(credentials, name, signal) {
          const pattern = el("input", { id: "tail-pattern", placeholder: "Filter pattern (optional)", size: 30, "aria-label": "Filter pattern" });
          const prefix = el("input", { id: "tail-prefix", placeholder: "Stream name prefix (optional)", "aria-label": "Stream name prefix" });
          const terms = el("input", { id: "tail-highlight", placeholder: "Highlight terms", "aria-label": "Terms to highlight" });
          const start = el("button", { type: "submit", id: "tail-start" }, "Start");
          const pause = el("button", { type: "button", class: "secondary", id: "tail-pause", disabled: true }, "Pause");
          const clear = el("button", { type: "button", class: "secondary", id: "tail-clear" }, "Clear");
          const form = el("form", { class: "inline", id: "tail-form" }, pattern, prefix, start, pause, clear);
          // The state is announced when it changes; the counts change every second and are not.
          const state = el("span", { id: "tail-state", "aria-live": "polite" }, "Not started.");
          const counts = el("span", { id: "tail-counts" });
          const status = el("p", { id: "tail-status", class: "muted" }, state, " ", counts);
          const list = el("div", { id: "tail-events", class: "tail", role: "log", tabindex: 0, "aria-label": "Events as they arrive" });
          let controller = null, paused = false, held = [], dropped = 0, received = 0, sampled = false;

          const wanted = () => terms.value.toLowerCase().split(/\s+/).filter(Boolean);
          const describe = () => {
            const now = controller ? (paused ? "Paused" : "Tailing") : "Stopped";
            if (state.textContent !== now) state.textContent = now;
            counts.textContent = `· ${received} events received` +
              (held.length ? ` · ${held.length} held while paused` : "") + (dropped ? ` · ${dropped} dropped while paused` : "") +
              (sampled ? " · sampled: more than 500 events a second match" : "");
          };
          const append = (events) => {
            // Follow the newest events only when the reader is at the bottom already.
            const following = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
            const words = wanted();
            for (const event of events) list.append(eventRow(event, { stream: true, terms: words }));
            while (list.children.length > KEPT) list.firstElementChild.remove();
            if (following) list.scrollTop = list.scrollHeight;
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
            paused = false; pause.textContent = "Pause"; received = 0; held = []; dropped = 0; sampled = false;
            state.textContent = "Starting…";
            try {
              for await (const message of stream(credentials, "logs", "StartLiveTail", input, mine.signal)) {
                if (message.exception) throw new Error(`${message.exception}: ${message.payload.message || ""}`);
                if (message.type === "sessionStart") { status.dataset.session = message.payload.sessionId; describe(); }
                if (message.type !== "sessionUpdate") continue;
                const results = message.payload.sessionResults || [];
                sampled = !!message.payload.sessionMetadata?.sampled;
                received += results.length;
                if (paused) {
                  held.push(...results);
                  if (held.length > KEPT) { dropped += held.length - KEPT; held = held.slice(-KEPT); }
                } else {
                  append(results);
                }
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
          clear.addEventListener("click", () => { list.replaceChildren(); held = []; dropped = 0; received = 0; describe(); });
          terms.addEventListener("change", () => {
            const words = wanted();
            for (const message of list.querySelectorAll(".message")) message.replaceChildren(...highlighted(message.textContent, words));
          });
          // Leaving the page (or signing out) ends the session.
          signal.addEventListener("abort", () => { controller?.abort(); controller = null; });

          show(backLink("#/group/" + encodeURIComponent(name), name),
            el("h1", {}, "Live Tail"), form, el("div", { class: "inline" }, terms), status, list);
          pattern.focus();
        }
        """#
}
