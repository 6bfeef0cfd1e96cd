package io.openelb.arch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the methods and constructors of a Java source file and their length in lines, from the signature
 * line (after annotations) to the closing brace. A brace counter, not a parser: comments and literals are
 * blanked first, then each {@code {} is classified by the text before it and by the scope it opens in. A
 * method of an anonymous or local class is measured on its own and also counts in its enclosing method.
 */
final class MethodScanner {
    /** A method or constructor: its name and the lines of its signature and its closing brace (1-based). */
    record Method(String name, int firstLine, int lastLine) {
        int lines() {
            return lastLine - firstLine + 1;
        }
    }

    private enum Scope { TYPE, METHOD, BLOCK }

    private static final Pattern ANNOTATION =
            Pattern.compile("@(?!interface\\b)[\\w.]+(\\s*\\((?:[^()]|\\([^()]*\\))*\\))?");
    private static final Pattern TYPE_DECLARATION =
            Pattern.compile("(^|[^\\w.])(class|interface|enum|record)\\s+\\w+");
    private static final Pattern INSTANCE_CREATION = Pattern.compile("\\bnew\\s+[\\w.]+\\s*(<[^;]*?>)?\\s*\\(");
    private static final Pattern METHOD_SIGNATURE =
            Pattern.compile("(\\w+)\\s*\\(.*\\)\\s*(throws\\s+[\\w.,\\s<>]+)?$", Pattern.DOTALL);
    private static final Pattern COMPACT_CONSTRUCTOR = Pattern.compile("(^|\\s)([A-Z]\\w*)$");

    private MethodScanner() {}

    /** The methods and constructors of {@code source}, in order of their closing brace. */
    static List<Method> methods(String source) {
        String code = blankCommentsAndLiterals(source);
        List<Method> methods = new ArrayList<>();
        Deque<Scope> scopes = new ArrayDeque<>();
        Deque<Method> open = new ArrayDeque<>();
        int headerStart = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == ';') {
                headerStart = i + 1;
            } else if (c == '{') {
                String header = code.substring(headerStart, i);
                Scope scope = classify(header, scopes.peek());
                scopes.push(scope);
                if (scope == Scope.METHOD) {
                    int signature = headerStart + firstCodeOffset(header);
                    open.push(new Method(methodName(header), lineOf(code, signature), 0));
                }
                headerStart = i + 1;
            } else if (c == '}') {
                if (scopes.pop() == Scope.METHOD) {
                    Method m = open.pop();
                    methods.add(new Method(m.name(), m.firstLine(), lineOf(code, i)));
                }
                headerStart = i + 1;
            }
        }
        return methods;
    }

    private static Scope classify(String header, Scope enclosing) {
        String declaration = ANNOTATION.matcher(header).replaceAll(" ").strip();
        if (endsWithInstanceCreation(declaration)) {
            return Scope.TYPE;
        }
        if (!declaration.contains("=") && !declaration.contains("->")
                && TYPE_DECLARATION.matcher(declaration).find()) {
            return Scope.TYPE;
        }
        if (enclosing != Scope.TYPE || declaration.contains("=") || declaration.contains("->")) {
            return Scope.BLOCK;
        }
        boolean method = METHOD_SIGNATURE.matcher(declaration).find()
                || COMPACT_CONSTRUCTOR.matcher(declaration).find() && !declaration.equals("static");
        return method ? Scope.METHOD : Scope.BLOCK;
    }

    /** Whether {@code declaration} ends in {@code new Type(arguments)}, so the brace opens an anonymous class. */
    private static boolean endsWithInstanceCreation(String declaration) {
        Matcher creation = INSTANCE_CREATION.matcher(declaration);
        int lastOpening = -1;
        while (creation.find()) {
            lastOpening = creation.end() - 1;
        }
        return lastOpening >= 0 && closingParenthesis(declaration, lastOpening) == declaration.length() - 1;
    }

    private static int closingParenthesis(String s, int opening) {
        int depth = 0;
        for (int i = opening; i < s.length(); i++) {
            depth += s.charAt(i) == '(' ? 1 : s.charAt(i) == ')' ? -1 : 0;
            if (depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String methodName(String header) {
        String declaration = ANNOTATION.matcher(header).replaceAll(" ").strip();
        Matcher signature = METHOD_SIGNATURE.matcher(declaration);
        if (signature.find()) {
            return signature.group(1);
        }
        Matcher compact = COMPACT_CONSTRUCTOR.matcher(declaration);
        return compact.find() ? compact.group(2) : declaration;
    }

    /** Offset in {@code header} of its first character that is neither blank nor part of an annotation. */
    private static int firstCodeOffset(String header) {
        int offset = 0;
        while (true) {
            while (offset < header.length() && Character.isWhitespace(header.charAt(offset))) {
                offset++;
            }
            Matcher annotation = ANNOTATION.matcher(header).region(offset, header.length());
            if (!annotation.lookingAt()) {
                return offset;
            }
            offset = annotation.end();
        }
    }

    private static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The source with comments, strings, text blocks and char literals replaced by blanks, newlines kept. */
    static String blankCommentsAndLiterals(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            int end = endOfCommentOrLiteral(source, i);
            if (end == i) {
                out.append(source.charAt(i++));
                continue;
            }
            for (int j = i; j < end; j++) {
                out.append(source.charAt(j) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }

    /** The end of the comment or literal that starts at {@code i}, or {@code i} if none starts there. */
    private static int endOfCommentOrLiteral(String s, int i) {
        if (s.startsWith("//", i)) {
            int newline = s.indexOf('\n', i);
            return newline < 0 ? s.length() : newline;
        }
        if (s.startsWith("/*", i)) {
            return s.indexOf("*/", i + 2) + 2;
        }
        if (s.startsWith("\"\"\"", i)) {
            return closingQuote(s, i + 3, "\"\"\"");
        }
        if (s.charAt(i) == '"' || s.charAt(i) == '\'') {
            return closingQuote(s, i + 1, String.valueOf(s.charAt(i)));
        }
        return i;
    }

    private static int closingQuote(String s, int from, String quote) {
        int i = from;
        while (!s.startsWith(quote, i)) {
            i += s.charAt(i) == '\\' ? 2 : 1;
        }
        return i + quote.length();
    }
}
