extension ConsoleAssets {
    /// The console's shell: the session (sign-in, sign-out, expiry), what the key's role allows, and the routes.
    static let app = #"""
        import { call, AWSError } from "/console/api.js";
        import { main, el, show, errorBox, startPage } from "/console/ui.js";
        import { groupsPage, groupPage } from "/console/logs.js";
        import { insightsPage } from "/console/insights.js";
        import { liveTailPage } from "/console/livetail.js";
        import { metricsPage, dashboardsPage, dashboardPage, alarmsPage } from "/console/metrics.js";
        import { keysPage, keyPage } from "/console/keys.js";

        const SESSION_KEY = "cairn.console.session";
        const SESSION_MINUTES = 60;

        function session() {
          const stored = JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
          if (!stored || stored.expires < Date.now()) { sessionStorage.removeItem(SESSION_KEY); return null; }
          return stored;
        }

        /** Why the sign-in page shows (signed out, session expired), until the next sign-in. */
        let notice = null;

        function signOut(reason) {
          sessionStorage.removeItem(SESSION_KEY);
          notice = reason;
          if (location.hash !== "#/signin") location.hash = "#/signin";  // renders on hashchange
          else render();
        }

        /** The errors an empty input gets from a role that may call the operation. */
        const INVALID_INPUT = ["InvalidParameterException", "ValidationException", "SerializationException"];

        /**
         * Whether the key's role allows `operation`, asked the way any client can: the operation with an empty input,
         * which every role that may call it refuses as invalid (changing nothing), and other roles as AccessDenied.
         * Any other answer (throttling, a server error) counts as no: the console then shows fewer buttons, never
         * buttons that fail.
         */
        async function allows(credentials, operation) {
          try {
            await call(credentials, "logs", operation, {});
            return false;  // an empty input never succeeds
          } catch (error) {
            return error instanceof AWSError && INVALID_INPUT.includes(error.type);
          }
        }

        /** The key's role (admin, writer or reader), which decides the buttons pages show. */
        async function roleOf(credentials) {
          if (await allows(credentials, "DeleteLogGroup")) return "admin";
          return (await allows(credentials, "CreateLogGroup")) ? "writer" : "reader";
        }

        function signInPage(reason) {
          const form = el("form", { class: "signin", id: "signin-form" },
            el("h1", {}, "Sign in to Cairn"),
            reason ? el("p", { class: "muted", id: "signin-reason" }, reason) : null,
            el("label", {}, "Access key ID", el("input", { name: "accessKeyId", id: "access-key-id", required: true, autocomplete: "username" })),
            el("label", {}, "Secret access key", el("input", { name: "secret", id: "secret", type: "password", required: true, autocomplete: "current-password" })),
            el("label", {}, "Region", el("input", { name: "region", id: "region", value: "us-east-1", required: true })),
            el("button", { type: "submit", id: "signin-button" }, "Sign in"),
            el("p", { class: "muted" }, "Requests are signed in this browser with your key; the secret is kept in this tab only, for ",
              String(SESSION_MINUTES), " minutes."));
          form.addEventListener("submit", async (event) => {
            event.preventDefault();
            const button = form.querySelector("#signin-button");
            button.disabled = true;
            const data = new FormData(form);
            const credentials = { accessKeyId: data.get("accessKeyId").trim(), secret: data.get("secret"), region: data.get("region").trim() };
            form.querySelector(".error")?.remove();
            try {
              await call(credentials, "logs", "DescribeLogGroups", { limit: 1 });
              const role = await roleOf(credentials);
              sessionStorage.setItem(SESSION_KEY, JSON.stringify({ ...credentials, role, expires: Date.now() + SESSION_MINUTES * 60000 }));
              notice = null;
              // Back to the page a lapsed session was on (its link), else the log groups.
              const target = location.hash && location.hash !== "#/signin" ? location.hash : "#/groups";
              if (location.hash !== target) location.hash = target;  // renders once, on hashchange
              else render();
            } catch (error) {
              form.append(errorBox(error));
            } finally {
              button.disabled = false;
            }
          });
          show(form);
          form.querySelector("input").focus();
        }

        /** `#/page/argument` → the page; arguments are URI-encoded names. */
        const ROUTES = {
          group: groupPage, insights: insightsPage, tail: liveTailPage, metrics: metricsPage,
          dashboards: dashboardsPage, dashboard: dashboardPage, keys: keysPage, key: keyPage, alarms: alarmsPage,
        };

        /** The nav link each route belongs to. */
        const SECTIONS = { group: "groups", insights: "groups", tail: "groups", metrics: "metrics", dashboard: "dashboards",
                           dashboards: "dashboards", key: "keys", keys: "keys", alarms: "alarms" };

        function render() {
          const signal = startPage();  // the last page's streams and polls stop
          const current = session();
          const nav = document.getElementById("nav");
          if (!current) { nav.hidden = true; document.title = "Sign in · Cairn"; signInPage(notice); return; }
          nav.hidden = false;
          document.getElementById("who").textContent = `${current.accessKeyId} (${current.role}) · ${current.region}`;
          const route = location.hash.replace(/^#\/?/, "");
          const slash = route.indexOf("/");
          const name = slash < 0 ? route : route.slice(0, slash);
          const page = ROUTES[name] || groupsPage;
          let argument = "";
          try { argument = slash < 0 ? "" : decodeURIComponent(route.slice(slash + 1)); } catch { argument = ""; }
          for (const link of nav.querySelectorAll("a")) {
            if (link.id === `nav-${SECTIONS[name] || "groups"}`) link.setAttribute("aria-current", "page");
            else link.removeAttribute("aria-current");
            link.hidden = current.role === "writer" && link.id !== "nav-groups";  // a writer reads no metrics or keys
          }
          document.title = `${argument || (ROUTES[name] ? name : "groups")} · Cairn`;
          page(current, argument, signal);
          // Focus the page for screen readers, unless the page put focus in a field of its own.
          if (!main.contains(document.activeElement) || document.activeElement === main) main.focus();
        }

        document.getElementById("sign-out").addEventListener("click", () => signOut("Signed out."));
        window.addEventListener("hashchange", () => render());
        setInterval(() => { if (!session() && !document.getElementById("signin-form")) signOut("Your session expired; sign in again."); }, 15000);
        if (window.cairnChartMissing) console.warn(window.cairnChartMissing);
        render();
        """#
}
