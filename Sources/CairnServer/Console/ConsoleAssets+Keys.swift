extension ConsoleAssets {
    /// KMS keys: the list, and one key with its state, aliases, rotation and audit trail; an admin can enable,
    /// disable, rotate, alias and schedule or cancel deletion (with a confirmation).
    static let keys = #"""
        import { call } from "/console/api.js";
        import { main, el, show, time, errorBox, table, everyPage, confirmPanel, isAdmin, mayRead } from "/console/ui.js";

        /** The reserved group holding the account's key audit trail. */
        const AUDIT_GROUP = "aws/cairn/kms-audit";

        export async function keysPage(credentials) {
          const { wrap, body } = table("key-rows", ["Aliases", "Key ID", "?Description", "State", "?Created"]);
          let create = null;
          if (isAdmin(credentials)) {
            const description = el("input", { id: "new-key-description", placeholder: "Description", size: 30, "aria-label": "New key description" });
            create = el("form", { class: "inline", id: "create-key" }, description, el("button", { type: "submit" }, "Create key"));
            create.addEventListener("submit", async (event) => {
              event.preventDefault();
              create.querySelector(".error")?.remove();
              try {
                const { KeyMetadata } = await call(credentials, "kms", "CreateKey", { Description: description.value });
                location.hash = "#/key/" + encodeURIComponent(KeyMetadata.KeyId);
              } catch (error) {
                create.append(errorBox(error));
              }
            });
          }
          show(el("h1", {}, "KMS keys"), create, wrap);
          try {
            const [keys, aliases] = await Promise.all([
              everyPage((token) => call(credentials, "kms", "ListKeys", token), "Keys", "NextMarker"),
              everyPage((token) => call(credentials, "kms", "ListAliases", token), "Aliases", "NextMarker")]);
            const described = await Promise.all(keys.map((key) => call(credentials, "kms", "DescribeKey", { KeyId: key.KeyId })));
            for (const { KeyMetadata: key } of described) {
              const names = aliases.filter((alias) => alias.TargetKeyId === key.KeyId).map((alias) => alias.AliasName);
              body.append(el("tr", { "data-key": key.KeyId }, el("td", {}, names.join(", ")),
                el("td", {}, el("a", { href: "#/key/" + key.KeyId }, key.KeyId)), el("td", { class: "optional" }, key.Description || ""),
                el("td", {}, key.KeyState), el("td", { class: "optional" }, time(key.CreationDate * 1000))));
            }
            if (!described.length) body.append(el("tr", {}, el("td", { colspan: 5, class: "muted" }, "No keys.")));
          } catch (error) {
            wrap.after(errorBox(error));
          }
        }

        export async function keyPage(credentials, id) {
          let key;
          try {
            key = (await call(credentials, "kms", "DescribeKey", { KeyId: id })).KeyMetadata;
          } catch (error) {
            show(el("p", {}, el("a", { href: "#/keys" }, "← KMS keys")), el("h1", {}, id), errorBox(error));
            return;
          }
          const reload = () => keyPage(credentials, id);
          const act = (label, buttonID, operation, input = {}) => {
            const button = el("button", { type: "button", class: "secondary", id: buttonID }, label);
            button.addEventListener("click", async () => {
              actions.querySelector(".error")?.remove();
              try { await call(credentials, "kms", operation, { KeyId: key.KeyId, ...input }); reload(); }
              catch (error) { actions.append(errorBox(error)); }
            });
            return button;
          };
          const fact = (term, ...value) => [el("dt", {}, term), el("dd", {}, ...value)];
          const facts = el("dl", { class: "facts", id: "key-facts" },
            ...fact("ARN", key.Arn), ...fact("State", el("strong", { id: "key-state" }, key.KeyState)),
            ...fact("Description", key.Description || ""), ...fact("Spec", `${key.KeySpec} · ${key.KeyUsage} · ${key.Origin}`),
            ...fact("Created", time(key.CreationDate * 1000)),
            key.DeletionDate ? fact("Deletion", time(key.DeletionDate * 1000)) : []);
          const actions = el("div", { class: "inline", id: "key-actions" });
          const rotation = el("div", { id: "key-rotation" });
          const aliasList = el("ul", { id: "key-aliases", class: "plain" });
          const audit = table("audit-rows", ["Time", "Operation", "Principal", "Outcome"]);
          show(el("p", {}, el("a", { href: "#/keys" }, "← KMS keys")), el("h1", {}, key.KeyId), facts, actions,
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
              const aliases = await everyPage((token) => call(credentials, "kms", "ListAliases", { KeyId: key.KeyId, ...token }), "Aliases", "NextMarker");
              aliasList.replaceChildren(...aliases.map((alias) => {
                const item = el("li", {}, el("code", {}, alias.AliasName));
                if (isAdmin(credentials) && managed) {
                  const remove = el("button", { type: "button", class: "secondary small" }, "Delete");
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
                const form = el("form", { class: "inline" }, name, el("button", { type: "submit", class: "secondary" }, "Add alias"));
                form.addEventListener("submit", async (event) => {
                  event.preventDefault();
                  try { await call(credentials, "kms", "CreateAlias", { AliasName: name.value.trim(), TargetKeyId: key.KeyId }); loadAliases(); }
                  catch (error) { form.append(errorBox(error)); }
                });
                aliasList.append(el("li", {}, form));
              }
            } catch (error) {
              aliasList.replaceChildren(el("li", {}, errorBox(error)));
            }
          }

          async function loadRotation() {
            try {
              const status = await call(credentials, "kms", "GetKeyRotationStatus", { KeyId: key.KeyId });
              const rotations = await everyPage((token) => call(credentials, "kms", "ListKeyRotations", { KeyId: key.KeyId, ...token }), "Rotations", "NextMarker");
              rotation.replaceChildren(el("p", { id: "rotation-status" }, status.KeyRotationEnabled
                ? [`Automatic rotation every ${status.RotationPeriodInDays} days; next `, time(status.NextRotationDate * 1000)]
                : "Automatic rotation is off."),
                el("p", { class: "muted" }, rotations.length ? [`${rotations.length} rotations, the last `, time(rotations.at(-1).RotationDate * 1000)] : "Never rotated."));
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
            try {
              // Oldest first, page by page: keep the newest 50 of at most five pages.
              let records = [], token, pages = 0;
              do {
                const page = await call(credentials, "logs", "FilterLogEvents", { logGroupName: AUDIT_GROUP,
                  filterPattern: `{ $.keyARN = "${key.Arn}" }`, startTime: Date.now() - 30 * 86400000, ...(token ? { nextToken: token } : {}) });
                records = records.concat((page.events || []).map((event) => JSON.parse(event.message))).slice(-50);
                token = page.nextToken;
              } while (token && ++pages < 5);
              records.reverse();
              for (const record of records.slice(0, 50)) {
                audit.body.append(el("tr", {}, el("td", {}, time(record.eventTime)), el("td", {}, record.operation),
                  el("td", {}, record.principal), el("td", {}, record.outcome)));
              }
              if (!records.length) audit.body.append(el("tr", {}, el("td", { colspan: 4, class: "muted" }, "No audited use in the last 30 days.")));
            } catch (error) {
              if (error.type === "ResourceNotFoundException") audit.body.append(el("tr", {}, el("td", { colspan: 4, class: "muted" }, "No audited use yet.")));
              else audit.wrap.after(errorBox(error));
            }
          }
        }
        """#
}
