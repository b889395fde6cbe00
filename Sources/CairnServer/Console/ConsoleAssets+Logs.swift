extension ConsoleAssets {
    /// Log groups, and one group: its events, streams, retention, tags, metric filters and subscriptions.
    static let logs = #"""
        import { call, AWSError } from "/console/api.js";
        import { el, show, time, bytes, errorBox, table, everyPage, rangeSelect, spanOf, eventRow, confirmPanel,
          mayRead, mayWrite, isAdmin, backLink, fact, onSubmit } from "/console/ui.js";

        /** The retention periods AWS accepts, in days. */
        const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

        export async function groupsPage(credentials, prefix = "") {
          const search = el("input", { id: "group-prefix", placeholder: "Name prefix", value: prefix, "aria-label": "Log group name prefix" });
          const form = el("form", { class: "inline", id: "group-search" }, search, el("button", { type: "submit" }, "Search"));
          form.addEventListener("submit", (event) => { event.preventDefault(); groupsPage(credentials, search.value.trim()); });
          const { wrap, body, empty } = table("group-rows", ["Name", "Retention", "?KMS key", "Stored", "?Created"]);
          show(el("h1", {}, "Log groups"), form, mayWrite(credentials) ? createGroupForm(credentials) : null, wrap);
          try {
            const groups = await everyPage((token) => call(credentials, "logs", "DescribeLogGroups",
              { ...(prefix ? { logGroupNamePrefix: prefix } : {}), ...token }), "logGroups");
            for (const group of groups) {
              body.append(el("tr", { "data-group": group.logGroupName },
                el("td", {}, el("a", { href: "#/group/" + encodeURIComponent(group.logGroupName) }, group.logGroupName)),
                el("td", {}, retentionText(group)),
                el("td", { class: "optional" }, group.kmsKeyId || "Cairn-managed"),
                el("td", {}, bytes(group.storedBytes)),
                el("td", { class: "optional" }, time(group.creationTime))));
            }
            if (!body.children.length) empty("No log groups.");
          } catch (error) {
            wrap.after(errorBox(error));
          }
        }

        function retentionText(group) {
          return group.retentionInDays ? `${group.retentionInDays} days` : "Never expire";
        }

        function createGroupForm(credentials) {
          const name = el("input", { id: "new-group-name", placeholder: "New group name", required: true, "aria-label": "New log group name" });
          const key = el("input", { id: "new-group-key", placeholder: "KMS key ARN (optional)", "aria-label": "KMS key ARN" });
          const form = el("form", { class: "inline", id: "create-group" }, name, key, el("button", { type: "submit" }, "Create log group"));
          return onSubmit(form, async () => {
            await call(credentials, "logs", "CreateLogGroup",
              { logGroupName: name.value.trim(), ...(key.value.trim() ? { kmsKeyId: key.value.trim() } : {}) });
            location.hash = "#/group/" + encodeURIComponent(name.value.trim());
          });
        }

        export async function groupPage(credentials, name) {
          const links = [el("a", { href: "#/groups" }, "← Log groups")];
          if (mayRead(credentials)) {
            links.push(" · ", el("a", { href: "#/insights/" + encodeURIComponent(name), id: "open-insights" }, "Query with Logs Insights"),
              " · ", el("a", { href: "#/tail/" + encodeURIComponent(name), id: "open-tail" }, "Live Tail"));
          }
          const details = el("dl", { class: "facts", id: "group-facts" });
          const streams = table("stream-rows", ["Stream", "Last event", "?Created"]);
          const streamNote = el("p", { class: "muted", id: "stream-note" });
          show(el("p", {}, links), el("h1", {}, name), details,
            mayWrite(credentials) ? writeEventForm(credentials, name) : null,
            mayRead(credentials) ? eventsSection(credentials, name) : null,
            el("h2", {}, "Streams"), streams.wrap, streamNote,
            mayRead(credentials) ? filtersSection(credentials, name) : null);
          try {
            const page = await call(credentials, "logs", "DescribeLogGroups", { logGroupNamePrefix: name });
            const group = (page.logGroups || []).find((candidate) => candidate.logGroupName === name);
            if (!group) throw new AWSError("ResourceNotFoundException", "The specified log group does not exist.");
            groupFacts(credentials, details, group);
          } catch (error) {
            details.replaceChildren(errorBox(error));
          }
          try {
            const page = await call(credentials, "logs", "DescribeLogStreams", { logGroupName: name, orderBy: "LastEventTime", descending: true });
            for (const stream of page.logStreams || []) {
              streams.body.append(el("tr", {}, el("td", {}, stream.logStreamName), el("td", {}, time(stream.lastEventTimestamp)),
                el("td", { class: "optional" }, time(stream.creationTime))));
            }
            if (!page.logStreams?.length) streams.empty("No streams.");
            if (page.nextToken) streamNote.textContent = `The ${page.logStreams.length} streams with the latest events; there are more.`;
          } catch (error) {
            streams.wrap.after(errorBox(error));
          }
        }

        /** Retention (an admin can change it), key, size, creation and tags. */
        async function groupFacts(credentials, details, group) {
          const retention = el("span", { id: "group-retention" }, retentionText(group));
          details.replaceChildren(...fact("Retention", retention), ...fact("KMS key", group.kmsKeyId || "Cairn-managed"),
            ...fact("Stored", bytes(group.storedBytes)), ...fact("Created", time(group.creationTime)));
          if (isAdmin(credentials)) {
            const choice = el("select", { id: "retention-choice", "aria-label": "Retention" },
              el("option", { value: "0" }, "Never expire"),
              RETENTION_DAYS.map((days) => el("option", { value: String(days), selected: days === group.retentionInDays }, `${days} days`)));
            const save = el("button", { type: "button", class: "secondary", id: "retention-save" }, "Set retention");
            save.addEventListener("click", async () => {
              details.querySelector(".error")?.remove();
              try {
                const days = Number(choice.value);
                if (days) await call(credentials, "logs", "PutRetentionPolicy", { logGroupName: group.logGroupName, retentionInDays: days });
                else await call(credentials, "logs", "DeleteRetentionPolicy", { logGroupName: group.logGroupName });
                retention.textContent = days ? `${days} days` : "Never expire";
              } catch (error) {
                details.append(errorBox(error));
              }
            });
            retention.after(" ", choice, " ", save);
          }
          if (!mayRead(credentials)) return;
          try {
            const arn = group.logGroupArn || group.arn.replace(/:\*$/, "");
            const { tags } = await call(credentials, "logs", "ListTagsForResource", { resourceArn: arn });
            const entries = Object.entries(tags || {});
            details.append(...fact("Tags", entries.length
              ? el("ul", { class: "tags", id: "group-tags" }, entries.map(([key, value]) => el("li", {}, el("code", {}, key), " = ", value)))
              : el("span", { class: "muted", id: "group-tags" }, "None")));
          } catch (error) {
            details.append(...fact("Tags", errorBox(error)));
          }
        }

        /** Writers and admins can write a test event into a stream (created when missing). */
        function writeEventForm(credentials, name) {
          const stream = el("input", { id: "write-stream", value: "console", required: true, "aria-label": "Stream name" });
          const message = el("input", { id: "write-message", placeholder: "Message", required: true, size: 40, "aria-label": "Message" });
          const form = el("form", { class: "inline", id: "write-event" }, stream, message, el("button", { type: "submit" }, "Write event"));
          onSubmit(form, async () => {
            form.querySelector(".ok")?.remove();
            const put = () => call(credentials, "logs", "PutLogEvents", { logGroupName: name, logStreamName: stream.value.trim(),
              logEvents: [{ timestamp: Date.now(), message: message.value }] });
            try { await put(); } catch (error) {
              if (error.type !== "ResourceNotFoundException") throw error;
              await call(credentials, "logs", "CreateLogStream", { logGroupName: name, logStreamName: stream.value.trim() });
              await put();
            }
            form.append(el("span", { class: "ok", role: "status" }, "Written."));
            message.value = "";
          });
          return el("section", {}, el("h2", {}, "Write an event"), form);
        }

        function eventsSection(credentials, name) {
          const pattern = el("input", { id: "filter-pattern", placeholder: "Filter pattern, e.g. ERROR or { $.level = \"error\" }", size: 40, "aria-label": "Filter pattern" });
          const range = rangeSelect("time-range");
          const searchForm = el("form", { class: "inline", id: "event-search" }, pattern, range, el("button", { type: "submit" }, "Search events"));
          const results = el("div", { id: "events" });
          const more = el("button", { type: "button", class: "secondary", id: "load-more", hidden: true }, "Load more");
          const searchButton = searchForm.querySelector("button");
          // One search's request (its range and pattern, fixed when it starts) and its cursor; a newer search
          // makes an older one's late pages land nowhere.
          let request = null, nextToken, searches = 0;
          async function search(append) {
            const mine = append ? searches : ++searches;
            if (!append) {
              results.replaceChildren();
              nextToken = undefined;
              request = { logGroupName: name, startTime: Date.now() - spanOf(range), endTime: Date.now() + 60000,
                          ...(pattern.value ? { filterPattern: pattern.value } : {}) };
            }
            results.querySelector(".error")?.remove();
            results.querySelector("#no-events")?.remove();
            searchButton.disabled = more.disabled = true;
            try {
              // A page may come back empty with a token (the scan's budget ran out): read on, up to 10 pages.
              let found = 0, pages = 0;
              do {
                const page = await call(credentials, "logs", "FilterLogEvents", { ...request, ...(nextToken ? { nextToken } : {}) });
                if (mine !== searches) return;
                for (const event of page.events || []) results.append(eventRow(event));
                found += page.events?.length || 0;
                nextToken = page.nextToken;
              } while (!found && nextToken && ++pages < 10);
              more.hidden = !nextToken;
              if (!results.querySelector(".event")) {
                results.append(el("p", { class: "muted", id: "no-events" },
                  nextToken ? "No events match in the part scanned so far: load more to read on." : "No events match."));
              }
            } catch (error) {
              if (mine !== searches) return;
              more.hidden = true;
              results.append(errorBox(error));
            } finally {
              if (mine === searches) searchButton.disabled = more.disabled = false;
            }
          }
          searchForm.addEventListener("submit", (event) => { event.preventDefault(); search(false); });
          more.addEventListener("click", () => search(true));
          search(false);
          return el("section", {}, el("h2", {}, "Events"), searchForm, results, more);
        }

        /** The group's metric filters and subscription filters; an admin can delete them. */
        function filtersSection(credentials, name) {
          const metrics = table("metric-filter-rows", ["Filter", "Pattern", "Metric", "?Value"]);
          const subscriptions = table("subscription-rows", ["Filter", "Pattern", "Destination", "?Distribution"]);
          const section = el("section", {}, el("h2", {}, "Metric filters"), metrics.wrap, el("h2", {}, "Subscription filters"), subscriptions.wrap);
          const remover = (operation, filterName, row) => {
            if (!isAdmin(credentials)) return null;
            const button = el("button", { type: "button", class: "secondary small", "aria-label": `Delete the filter ${filterName}` }, "Delete");
            const panel = confirmPanel(button, "delete-" + operation + "-" + filterName.replace(/[^A-Za-z0-9_-]/g, "_"),
              `Delete the filter ${filterName}?`, [], async () => {
                await call(credentials, "logs", operation, { logGroupName: name, filterName });
                row.remove();
              });
            return [button, panel];
          };
          (async () => {
            try {
              const filters = await everyPage((token) => call(credentials, "logs", "DescribeMetricFilters", { logGroupName: name, ...token }), "metricFilters");
              for (const filter of filters) {
                const transformation = filter.metricTransformations?.[0] || {};
                const row = el("tr", { "data-filter": filter.filterName });
                row.append(el("td", {}, filter.filterName, " ", remover("DeleteMetricFilter", filter.filterName, row)),
                  el("td", {}, el("code", {}, filter.filterPattern || "(every event)")),
                  el("td", {}, el("a", { href: "#/metrics/" + encodeURIComponent(transformation.metricNamespace || "") },
                    `${transformation.metricNamespace}/${transformation.metricName}`)),
                  el("td", { class: "optional" }, transformation.metricValue));
                metrics.body.append(row);
              }
              if (!filters.length) metrics.empty("None.");
              const subscribed = (await call(credentials, "logs", "DescribeSubscriptionFilters", { logGroupName: name })).subscriptionFilters || [];
              for (const filter of subscribed) {
                const row = el("tr", { "data-filter": filter.filterName });
                row.append(el("td", {}, filter.filterName, " ", remover("DeleteSubscriptionFilter", filter.filterName, row)),
                  el("td", {}, el("code", {}, filter.filterPattern || "(every event)")), el("td", {}, filter.destinationArn),
                  el("td", { class: "optional" }, filter.distribution || ""));
                subscriptions.body.append(row);
              }
              if (!subscribed.length) subscriptions.empty("None.");
            } catch (error) {
              section.append(errorBox(error));
            }
          })();
          return section;
        }
        """#
}
