extension ConsoleAssets {
    /// KMS keys: the list, and one key with its state, aliases, rotation and audit trail; an admin can enable,
    /// disable, rotate, alias and schedule or cancel deletion (with a confirmation).
    static let keys = #"""
        import { call } from "/console/api.js";
        import { el, show, time, errorBox, table, everyPage, confirmPanel, isAdmin, mayRead, backLink, fact, onSubmit } from "/console/ui.js";

        /** KMS times are epoch seconds. */
        const seconds = (value) => time(value === undefined ? undefined : value * 1000);

        /** Every page of a KMS list: `NextMarker` answers, `Marker` asks, `Truncated` false ends. */
        const everyKMSPage = (credentials, operation, input, member) =>
          everyPage((token) => call(credentials, "kms", operation, { ...input, ...token }), member, "NextMarker", "Marker");

        /** The reserved group holding the account's key audit trail. */
        const AUDIT_GROUP = "aws/cairn/kms-audit";

        export async function keysPage(credentials) {
          const { wrap, body, empty } = table("key-rows", ["Aliases", "Key ID", "?Description", "State", "?Created"]);
          let create = null;
          if (isAdmin(credentials)) {
            const description = el("input", { id: "new-key-description", placeholder: "Description", size: 30, "aria-label": "New key description" });
            create = onSubmit(el("form", { class: "inline", id: "create-key" }, description, el("button", { type: "submit" }, "Create key")),
              async () => {
                const { KeyMetadata } = await call(credentials, "kms", "CreateKey", { Description: description.value });
                location.hash = "#/key/" + encodeURIComponent(KeyMetadata.KeyId);
              });
          }
          show(el("h1", {}, "KMS keys"), create, wrap);
          try {
            const [keys, aliases] = await Promise.all([
              everyKMSPage(credentials, "ListKeys", {}, "Keys"), everyKMSPage(credentials, "ListAliases", {}, "Aliases")]);
            // A few at a time; a key deleted meanwhile is left out rather than emptying the table.
            const described = [];
            for (let at = 0; at < keys.length; at += 8) {
              const batch = await Promise.allSettled(keys.slice(at, at + 8).map((key) => call(credentials, "kms", "DescribeKey", { KeyId: key.KeyId })));
              described.push(...batch.filter((result) => result.status === "fulfilled").map((result) => result.value.KeyMetadata));
            }
            for (const key of described) {
              const names = aliases.filter((alias) => alias.TargetKeyId === key.KeyId).map((alias) => alias.AliasName);
              body.append(el("tr", { "data-key": key.KeyId }, el("td", {}, names.join(", ")),
                el("td", {}, el("a", { href: "#/key/" + key.KeyId }, key.KeyId)), el("td", { class: "optional" }, key.Description || ""),
                el("td", {}, key.KeyState), el("td", { class: "optional" }, seconds(key.CreationDate))));
            }
            if (!described.length) empty("No keys.");
          } catch (error) {
            wrap.after(errorBox(error));
          }
        }

        export async function keyPage(credentials, id, signal) {
          // The page shows at once; what loads late lands only while the page is still the one shown.
          show(backLink("#/keys", "KMS keys"), el("h1", {}, id), el("p", { class: "muted" }, "Loading…"));
          let key;
          try {
            key = (await call(credentials, "kms", "DescribeKey", { KeyId: id })).KeyMetadata;
          } catch (error) {
            if (!signal.aborted) show(backLink("#/keys", "KMS keys"), el("h1", {}, id), errorBox(error));
            return;
          }
          if (signal.aborted) return;
          const reload = () => { if (!signal.aborted) keyPage(credentials, id, signal); };
          const act = (label, buttonID, operation, input = {}) => {
            const button = el("button", { type: "button", class: "secondary", id: buttonID }, label);
            button.addEventListener("click", async () => {
              actions.querySelector(".error")?.remove();
              try { await call(credentials, "kms", operation, { KeyId: key.KeyId, ...input }); reload(); }
              catch (error) { actions.append(errorBox(error)); }
            });
            return button;
          };
          const facts = el("dl", { class: "facts", id: "key-facts" },
            ...fact("ARN", key.Arn), ...fact("State", el("strong", { id: "key-state" }, key.KeyState)),
            ...fact("Description", key.Description || ""), ...fact("Spec", `${key.KeySpec} · ${key.KeyUsage} · ${key.Origin}`),
            ...fact("Created", seconds(key.CreationDate)),
            key.DeletionDate ? fact("Deletion", seconds(key.DeletionDate)) : []);
          const actions = el("div", { class: "inline", id: "key-actions" });
          const rotation = el("div", { id: "key-rotation" });
          const aliasList = el("ul", { id: "key-aliases", class: "plain" });
          const audit = table("audit-rows", ["Time", "Operation", "Principal", "Outcome"]);
          show(backLink("#/keys", "KMS keys"), el("h1", {}, key.KeyId), facts, actions,
            el("h2", {}, "Aliases"), aliasList, el("h2", {}, "Rotation"), rotation,
            mayRead(credentials) ? [el("h2", {}, "Audit trail"), audit.wrap] : []);
          const managed = key.KeyManager === "CUSTOMER";
          if (isAdmin(credentials) && managed) {
            if (key.KeyState === "Enabled") actions.append(act("Disable key", "key-disable", "DisableKey"));
            if (key.KeyState === "Disabled") actions.append(act("Enable key", "key-enable", "EnableKey"));
            if (key.KeyState === "PendingDeletion") actions.append(act("Cancel deletion", "key-cancel-deletion", "CancelKeyDeletion"));
            else {
              const days = el("input", { id: "deletion-days", type: "number", min: 7, max: 30, value: 30, "aria-label": "Waiting period in days" });
              const understood = el("input", { id: "deletion-understood", type: "checkbox" });
              const schedule = el("button", { type: "button", class: "danger", id: "key-schedule-deletion" }, "Schedule deletion");
              actions.append(schedule, confirmPanel(schedule, "deletion-confirm",
                "After the waiting period the key and every log byte encrypted under it can no longer be decrypted.",
                [el("label", {}, "Waiting period (7–30 days)", days),
                 el("label", { class: "check" }, understood, "I understand that data encrypted under this key becomes unreadable.")],
                async () => {
                  if (!understood.checked) throw new Error("Tick the box to confirm.");
                  await call(credentials, "kms", "ScheduleKeyDeletion", { KeyId: key.KeyId, PendingWindowInDays: Number(days.value) });
                  reload();
                }));
            }
          }
          loadAliases();
          loadRotation();
          if (mayRead(credentials)) loadAudit();

          async function loadAliases() {
            try {
              const aliases = await everyKMSPage(credentials, "ListAliases", { KeyId: key.KeyId }, "Aliases");
              aliasList.replaceChildren(...aliases.map((alias) => {
                const item = el("li", {}, el("code", {}, alias.AliasName));
                if (isAdmin(credentials) && managed) {
                  const remove = el("button", { type: "button", class: "secondary small", "aria-label": `Delete the alias ${alias.AliasName}` }, "Delete");
                  remove.addEventListener("click", async () => {
                    try { await call(credentials, "kms", "DeleteAlias", { AliasName: alias.AliasName }); loadAliases(); }
                    catch (error) { item.append(errorBox(error)); }
                  });
                  item.append(" ", remove);
                }
                return item;
              }));
              if (!aliases.length) aliasList.append(el("li", { class: "muted" }, "None."));
              if (isAdmin(credentials) && managed) {
                const name = el("input", { id: "new-alias", placeholder: "alias/name", required: true, "aria-label": "New alias" });
                const form = onSubmit(el("form", { class: "inline" }, name, el("button", { type: "submit", class: "secondary" }, "Add alias")),
                  async () => { await call(credentials, "kms", "CreateAlias", { AliasName: name.value.trim(), TargetKeyId: key.KeyId }); loadAliases(); });
                aliasList.append(el("li", {}, form));
              }
            } catch (error) {
              aliasList.replaceChildren(el("li", {}, errorBox(error)));
            }
          }

          async function loadRotation() {
            try {
              const status = await call(credentials, "kms", "GetKeyRotationStatus", { KeyId: key.KeyId });
              const rotations = await everyKMSPage(credentials, "ListKeyRotations", { KeyId: key.KeyId }, "Rotations");
              rotation.replaceChildren(el("p", { id: "rotation-status" }, status.KeyRotationEnabled
                ? [`Automatic rotation every ${status.RotationPeriodInDays} days; next `, seconds(status.NextRotationDate)]
                : "Automatic rotation is off."),
                el("p", { class: "muted" }, rotations.length ? [`${rotations.length} rotations, the last `, seconds(rotations.at(-1).RotationDate)] : "Never rotated."));
              if (isAdmin(credentials) && managed && key.KeyState === "Enabled") {
                rotation.append(el("div", { class: "inline" },
                  status.KeyRotationEnabled ? act("Turn off automatic rotation", "rotation-off", "DisableKeyRotation")
                    : act("Turn on automatic rotation", "rotation-on", "EnableKeyRotation"),
                  act("Rotate now", "rotate-now", "RotateKeyOnDemand")));
              }
            } catch (error) {
              rotation.replaceChildren(errorBox(error));
            }
          }

          async function loadAudit() {
            // The trail reads oldest first: look at the last day, then the last week, then 30 days, until 50 uses show.
            const parse = (event) => { try { return JSON.parse(event.message); } catch { return null; } };
            try {
              let records = [];
              for (const days of [1, 7, 30]) {
                records = [];
                let token, pages = 0;
                do {
                  const page = await call(credentials, "logs", "FilterLogEvents", { logGroupName: AUDIT_GROUP,
                    filterPattern: `{ $.keyARN = "${key.Arn}" }`, startTime: Date.now() - days * 86400000, ...(token ? { nextToken: token } : {}) });
                  records = records.concat((page.events || []).map(parse).filter(Boolean)).slice(-50);
                  token = page.nextToken;
                } while (token && ++pages < 20);
                if (records.length >= 50) break;
              }
              if (signal.aborted) return;
              for (const record of records.reverse()) {
                audit.body.append(el("tr", {}, el("td", {}, time(record.eventTime)), el("td", {}, record.operation),
                  el("td", {}, record.principal), el("td", {}, record.outcome)));
              }
              if (!records.length) audit.empty("No audited use in the last 30 days.");
            } catch (error) {
              if (error.type === "ResourceNotFoundException") audit.empty("No audited use yet.");
              else audit.wrap.after(errorBox(error));
            }
          }
        }
        """#
}
