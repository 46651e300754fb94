package io.github.jamesp0f.matcher;

import java.util.Collection;
import java.util.Collections;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

import io.github.jamesp0f.attributes.P0fAttributes;

/**
 * Matches mails whose client's operating system, "os_name os_flavor" as p0f named it (for
 * example "Windows 7 or 8"), contains a match of the condition, a regular expression,
 * case-insensitive unless it starts with {@code (?-i)}:
 * {@code match="io.github.jamesp0f.matcher.RemoteOsMatches=^Windows"}. Mails without a
 * fingerprint never match.
 */
public class RemoteOsMatches extends GenericMatcher {

    private Pattern pattern;

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isEmpty()) {
            throw new MessagingException(getMatcherName() + " needs a regular expression: "
                + getMatcherName() + "=^Windows");
        }
        try {
            pattern = Pattern.compile(condition, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new MessagingException(getMatcherName() + ": bad regular expression '" + condition + "': "
                + e.getDescription(), e);
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        boolean matches = P0fAttributes.osDescription(mail)
            .map(os -> pattern.matcher(os).find())
            .orElse(false);
        return matches ? mail.getRecipients() : Collections.emptyList();
    }

    @Override
    public String getMatcherInfo() {
        return "Matches mails whose client's operating system (p0f) matches a regular expression";
    }
}
