package dev.certsonar.scanner.starttls;

import dev.certsonar.schemas.avro.Protocol;

/** The plain-text exchange each protocol needs before TLS: none for implicit TLS. */
public final class Preambles {

    private Preambles() {
    }

    public static Preamble forProtocol(Protocol protocol) {
        return switch (protocol) {
            case TLS, HTTPS, SMTPS, IMAPS, POP3S, LDAPS, UNKNOWN -> Preamble.NONE;
            case SMTP -> new SmtpPreamble();
            case IMAP -> new ImapPreamble();
            case POP3 -> new Pop3Preamble();
            case FTP -> new FtpPreamble();
            case LDAP -> new LdapPreamble();
            case XMPP -> new XmppPreamble();
            case POSTGRES -> new PostgresPreamble();
            case MYSQL -> new MysqlPreamble();
        };
    }
}
