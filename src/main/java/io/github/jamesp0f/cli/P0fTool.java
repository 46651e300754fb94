package io.github.jamesp0f.cli;
public final class P0fTool { public static void main(String[] a) {} }
