package io.github.jamesp0f.testing.james;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathExpressionException;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * A James XML configuration file, edited by XPath before a test writes it into conf/: start from
 * the project's conf-samples (so that the samples are what the tests run) and change only what a
 * test must (bind address, socket path, repositories).
 *
 * <pre>
 *   XmlConfig smtp = XmlConfig.sample("smtpserver.xml")
 *       .keepOnly("/smtpservers/smtpserver", 1)
 *       .setText("//smtpserver/bind", "127.0.0.1:0")
 *       .setText("//handler[@class='io.github.jamesp0f.smtp.P0fConnectHandler']/socketPath", socket);
 * </pre>
 * Every edit fails loudly when its XPath selects nothing, so a changed sample cannot silently
 * make a test run something else.
 */
public final class XmlConfig {

    /**
     * The project's sample configuration for the James line under test (conf-samples/james-3.8 or
     * james-3.9), resolved from the Maven base directory.
     */
    public static final Path SAMPLES =
        Paths.get(System.getProperty("basedir", "."), "conf-samples", "james-" + JamesTestServer.jamesLine());

    private final Document document;

    private XmlConfig(Document document) {
        this.document = document;
    }

    public static XmlConfig sample(String fileName) {
        return load(SAMPLES.resolve(fileName));
    }

    public static XmlConfig load(Path file) {
        try {
            return parse(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file.toAbsolutePath(), e);
        }
    }

    public static XmlConfig parse(String xml) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return new XmlConfig(factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml))));
        } catch (Exception e) {
            throw new IllegalArgumentException("not well-formed XML: " + e.getMessage(), e);
        }
    }

    /** Sets the text of every selected element. */
    public XmlConfig setText(String xpath, String text) {
        for (Node node : select(xpath)) {
            node.setTextContent(text);
        }
        return this;
    }

    /** Sets (or replaces) a child element's text in every selected element. */
    public XmlConfig setChild(String xpath, String childName, String text) {
        for (Node node : select(xpath)) {
            Element parent = (Element) node;
            NodeList existing = parent.getElementsByTagName(childName);
            for (int i = existing.getLength() - 1; i >= 0; i--) {
                if (existing.item(i).getParentNode() == parent) {
                    parent.removeChild(existing.item(i));
                }
            }
            Element child = document.createElement(childName);
            child.setTextContent(text);
            parent.appendChild(child);
        }
        return this;
    }

    public XmlConfig setAttribute(String xpath, String name, String value) {
        for (Node node : select(xpath)) {
            ((Element) node).setAttribute(name, value);
        }
        return this;
    }

    /** Removes every selected node. */
    public XmlConfig remove(String xpath) {
        for (Node node : select(xpath)) {
            node.getParentNode().removeChild(node);
        }
        return this;
    }

    /** Removes a selected node if there is one; for optional parts. */
    public XmlConfig removeIfPresent(String xpath) {
        for (Node node : nodes(xpath)) {
            node.getParentNode().removeChild(node);
        }
        return this;
    }

    /** Keeps only the {@code position}-th (1-based) of the selected elements. */
    public XmlConfig keepOnly(String xpath, int position) {
        Node[] all = select(xpath);
        for (int i = 0; i < all.length; i++) {
            if (i != position - 1) {
                all[i].getParentNode().removeChild(all[i]);
            }
        }
        return this;
    }

    /** Replaces the children of every selected element by an XML fragment (one or more elements). */
    public XmlConfig replaceChildren(String xpath, String fragment) {
        for (Node node : select(xpath)) {
            while (node.getFirstChild() != null) {
                node.removeChild(node.getFirstChild());
            }
            appendFragment(node, fragment);
        }
        return this;
    }

    /** Appends an XML fragment to every selected element. */
    public XmlConfig append(String xpath, String fragment) {
        for (Node node : select(xpath)) {
            appendFragment(node, fragment);
        }
        return this;
    }

    /** Inserts an XML fragment before every selected node. */
    public XmlConfig insertBefore(String xpath, String fragment) {
        for (Node node : select(xpath)) {
            Document parsed = parse("<fragment>" + fragment + "</fragment>").document;
            NodeList children = parsed.getDocumentElement().getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                node.getParentNode().insertBefore(document.importNode(children.item(i), true), node);
            }
        }
        return this;
    }

    /** Replaces every occurrence of {@code from} in text and attribute values (e.g. file:// by memory://). */
    public XmlConfig replaceInValues(String from, String to) {
        for (Node node : nodes("//text() | //@*")) {
            String value = node.getNodeValue();
            if (value != null && value.contains(from)) {
                node.setNodeValue(value.replace(from, to));
            }
        }
        return this;
    }

    /** The first selected element as XML text, to paste into another configuration. */
    public String fragment(String xpath) {
        try {
            StringWriter out = new StringWriter();
            javax.xml.transform.Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.transform(new DOMSource(select(xpath)[0]), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String text(String xpath) {
        return select(xpath)[0].getTextContent();
    }

    public boolean has(String xpath) {
        return nodes(xpath).length > 0;
    }

    public XmlConfig copy() {
        return parse(toString());
    }

    public void writeTo(Path file) throws IOException {
        Files.write(file, toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        try {
            StringWriter out = new StringWriter();
            javax.xml.transform.Transformer transformer = TransformerFactory.newInstance().newTransformer();
            transformer.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            transformer.transform(new DOMSource(document), new StreamResult(out));
            return out.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void appendFragment(Node parent, String fragment) {
        Document parsed = parse("<fragment>" + fragment + "</fragment>").document;
        NodeList children = parsed.getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            parent.appendChild(document.importNode(children.item(i), true));
        }
    }

    private Node[] select(String xpath) {
        Node[] nodes = nodes(xpath);
        if (nodes.length == 0) {
            throw new IllegalArgumentException("XPath " + xpath + " selects nothing in this configuration");
        }
        return nodes;
    }

    private Node[] nodes(String xpath) {
        try {
            NodeList list = (NodeList) XPathFactory.newInstance().newXPath()
                .evaluate(xpath, document, XPathConstants.NODESET);
            Node[] nodes = new Node[list.getLength()];
            for (int i = 0; i < nodes.length; i++) {
                nodes[i] = list.item(i);
            }
            return nodes;
        } catch (XPathExpressionException e) {
            throw new IllegalArgumentException("bad XPath " + xpath, e);
        }
    }
}
