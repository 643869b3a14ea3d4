package dev.certsonar.cli;

import dev.certsonar.cli.config.CertsonarConfig;
import dev.certsonar.schemas.avro.Acknowledgement;
import dev.certsonar.schemas.avro.AlertLifecycle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.Map;

/** {@code certsonar ack ALERT_ID}, {@code certsonar ack --withdraw ALERT_ID}: acknowledge a firing alert. */
@Command(name = "ack", mixinStandardHelpOptions = true, description = {
        "Acknowledge a firing alert: its reminders stop and alert-states shows who is on it, until it resolves.",
        "The alert's state comes from the alert-states topic; one that is not firing (held, resolved) is refused."})
public final class AckCommand extends KafkaCommand {

    @Parameters(paramLabel = "ALERT_ID", description = "The alert's id, or its start (`alerts tail` shows 8 characters).")
    String alertId;

    @Mixin
    OperatorCommand.Actor actor;

    @Option(names = "--comment", paramLabel = "TEXT", description = "What is being done.")
    String comment = "";

    @Option(names = "--withdraw", description = "Withdraw the acknowledgement instead: the reminders go on.")
    boolean withdraw;

    /** Acknowledges the alert when it fires, or withdraws its acknowledgement; 1 when there is no such alert. */
    @Override
    public Integer call() throws Exception {
        String who = withdraw ? null : actor.name();
        CertsonarConfig loaded = config.loadWithKafka();
        ClusterTopic<AlertLifecycle> states = new ClusterTopic<>(loaded, loaded.topics().alertStates());
        Map<String, AlertLifecycle> alerts = states.readAll(err());
        List<String> ids = alerts.keySet().stream().filter(id -> id.startsWith(alertId.strip())).toList();
        if (alerts.containsKey(alertId.strip())) {
            ids = List.of(alertId.strip());
        }
        if (ids.isEmpty() || alertId.isBlank()) {
            err().println("certsonar ack: no alert " + alertId + " on " + states.name() + " (the notifier publishes "
                    + "every alert it holds there; `certsonar alerts tail` shows alert ids)");
            return 1;
        }
        if (ids.size() > 1) {
            err().println("certsonar ack: " + alertId + " starts the ids of " + ids.size() + " alerts ("
                    + String.join(", ", ids) + "); give more of the id");
            return 1;
        }
        AlertLifecycle alert = alerts.get(ids.getFirst());
        ClusterTopic<Acknowledgement> acks = new ClusterTopic<>(loaded, loaded.topics().acknowledgements());
        if (withdraw) {
            acks.remove(ids);
            out().println("withdrew the acknowledgement of alert " + alert.getAlertId() + " (" + describe(alert) + ")"
                    + (alert.getAcknowledgement() == null ? "; it was not acknowledged" : ""));
            out().flush();
            return 0;
        }
        String refusal = switch (alert.getState()) {
            case FIRING, SILENCED, ACKNOWLEDGED -> null;
            case HELD -> "is held: its condition has not lasted long enough to fire, so there is nothing to acknowledge yet";
            case RESOLVED -> "is not firing: it resolved at " + alert.getResolvedAt();
            case UNKNOWN -> "is in a state this command does not know";
        };
        if (refusal != null) {
            err().println("certsonar ack: alert " + alert.getAlertId() + " (" + describe(alert) + ") " + refusal
                    + "; only a firing alert can be acknowledged");
            return 1;
        }
        Acknowledgement ack = Acknowledgement.newBuilder().setAlertId(alert.getAlertId()).setBy(who)
                .setAt(clock.instant()).setComment(comment == null ? "" : comment.strip()).build();
        acks.put(Map.of(alert.getAlertId(), ack));
        out().println("acknowledged alert " + alert.getAlertId() + " (" + describe(alert) + ") as " + who);
        out().flush();
        return 0;
    }

    /** {@code CRITICAL EXPIRING on shop}. */
    private static String describe(AlertLifecycle alert) {
        return alert.getSeverity() + " " + alert.getCondition() + " on " + alert.getService();
    }
}
