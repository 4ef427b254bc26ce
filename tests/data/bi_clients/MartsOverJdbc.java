// What a JDBC BI tool (Tableau, DBeaver, Metabase, Looker Studio's connector) asks of the
// published marts, through Debian's pgjdbc. Prints tab-separated lines the test reads:
//   table <name>
//   column <table> <column> <type name>
//   key <table> <column>
//   prepared <count>
// Arguments: JDBC URL, user, password, a date (yyyy-mm-dd), a channel.
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

public class MartsOverJdbc {
    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[0], args[1], args[2])) {
            DatabaseMetaData metadata = connection.getMetaData();
            try (ResultSet tables = metadata.getTables(null, "marts", "%", new String[] {"TABLE"})) {
                while (tables.next()) {
                    System.out.println("table\t" + tables.getString("TABLE_NAME"));
                }
            }
            try (ResultSet columns = metadata.getColumns(null, "marts", "%", "%")) {
                while (columns.next()) {
                    System.out.println("column\t" + columns.getString("TABLE_NAME") + "\t"
                        + columns.getString("COLUMN_NAME") + "\t" + columns.getString("TYPE_NAME"));
                }
            }
            try (ResultSet keys = metadata.getPrimaryKeys(null, "marts", "all_posts")) {
                while (keys.next()) {
                    System.out.println("key\tall_posts\t" + keys.getString("COLUMN_NAME"));
                }
            }
            String query = "select count(*) from marts.all_posts where posted_at >= ? and channel = ?";
            try (PreparedStatement statement = connection.prepareStatement(query)) {
                // Five runs: pgjdbc switches to a server-side prepared statement from the fifth on.
                for (int run = 0; run < 6; run++) {
                    statement.setDate(1, java.sql.Date.valueOf(args[3]));
                    statement.setString(2, args[4]);
                    try (ResultSet result = statement.executeQuery()) {
                        result.next();
                        System.out.println("prepared\t" + result.getLong(1));
                    }
                }
            }
        }
    }
}
